"""Events: one signal for each thing that happened, whichever write path made the row.

    lead_created       lead=       a new lead (the e-book signup)
    booking_made       booking=    a new meeting
    booking_moved      booking=    the meeting at its new time (same row, same UID)
    booking_cancelled  booking=    the cancelled meeting, by= "visitor" or "staff"

The booking events also carry step=, the booking's history entry (BookingEvent) the
write recorded, which the mails about it are built from.

The rows are objects with the table's columns as attributes, the id included: an ORM
object, or (from the e-book signup, which writes with Core statements) a SimpleNamespace.

The contract, for senders and receivers alike:

- The writer announces *inside its transaction*, after the row is written and before the
  commit: ``announce(booking_made, connection, booking=row)``. Both write paths do: the ORM
  (``db.session.connection()`` after a flush) and the signup's Core fast path.
- A receiver reacts only by writing through ``connection``, e.g. ``outbox.enqueue(...)``.
  Its rows commit with the write or roll back with it: a webhook delivery (or a calendar
  write-back) is never lost, and never sent for a write that did not happen.
- A receiver does no other I/O (no HTTP, no SMTP, no ORM session): what reaches the world
  goes through an outbox kind, which the worker sends after the commit.
- A receiver that raises fails the write: the transaction rolls back and the visitor gets
  the error answer, so nothing is half done.
- Receivers are module-level functions (blinker holds them weakly) connected by their
  feature's init_app. The sender is the app: read settings from it, not from current_app,
  since a process may hold several apps (tests).
"""

from blinker import Namespace
from flask import current_app

_events = Namespace()

lead_created = _events.signal("lead-created")
booking_made = _events.signal("booking-made")
booking_moved = _events.signal("booking-moved")
booking_cancelled = _events.signal("booking-cancelled")


def announce(event, connection, app=None, **rows):
    """Send event to its receivers, inside the transaction connection is in."""
    event.send(app or current_app._get_current_object(), connection=connection, **rows)
