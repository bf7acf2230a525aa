"""Sales hear of every booking, move and cancellation: receivers of the booking events.

Each receiver queues the notification in the transaction of the write (events.py), so
sales are told of exactly the meetings that were stored. The mails are built when the
worker sends them (mails.py), in the service's default language, from the step of the
booking's history they were queued with (so a mail about a move names its own from/to).
"""

from ..events import booking_cancelled, booking_made, booking_moved
from ..outbox import enqueue

NEW, MOVED, CANCELLED = "booking_sales_new", "booking_sales_moved", "booking_sales_cancel"


def _notify(app, connection, kind, booking, step):
    enqueue(connection, kind, app.config["DEFAULT_LANGUAGE"], booking_id=booking.id,
            booking_event_id=step.id if step is not None else None)


def on_booking_made(app, connection, booking, step=None, **rows):
    _notify(app, connection, NEW, booking, step)


def on_booking_moved(app, connection, booking, step=None, **rows):
    _notify(app, connection, MOVED, booking, step)


def on_booking_cancelled(app, connection, booking, step=None, **rows):
    _notify(app, connection, CANCELLED, booking, step)


def connect():
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    booking_made.connect(on_booking_made)
    booking_moved.connect(on_booking_moved)
    booking_cancelled.connect(on_booking_cancelled)
