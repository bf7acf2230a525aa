"""Bookings go into the consultant's CalDAV calendar, through the outbox.

schedule() is the one place a booking change asks for it; it listens to the booking
events (events.py) and adds an outbox message in the write's transaction, so the write
is never lost and never made for a change that was rolled back. The worker then makes
the calendar match the booking as it is *then* (written when confirmed, deleted
otherwise), so the messages are idempotent and their order does not matter: a retried
PUT of the same UID replaces the event at the same address, and deleting an event that
is already gone succeeds.

The messages travel in the outbox's webhook lane (outside servers that may hang, never
in front of the visitor's mail), each consultant's calendar with its own circuit breaker.
"""

import logging
from urllib.parse import quote

import caldav
import lxml.etree
import niquests
from caldav.lib import error as caldav_error
from flask import current_app
from sqlalchemy import select

from ...db import db
from ...events import booking_cancelled, booking_made, booking_moved
from ...models import OutboxMessage, utcnow
from ...outbox import enqueue
from ..models import CONFIRMED, Booking
from .entry import booking_event, calendar_of, language
from .models import CalendarCopy
from .source import CalendarUnreadable

log = logging.getLogger(__name__)
# What changed; each is its own outbox kind, so the queue shows why a write was made.
ACTIONS = ("book", "cancel", "move")
KINDS = tuple(f"calendar_{action}" for action in ACTIONS)
ERASE_KIND = "calendar_erase"
LANE = "webhook"


class CalendarWriteFailed(Exception):
    """The CalDAV server did not take the write; the outbox tries again later."""


def _caldav(key):
    """The consultant's CalDAV CalendarSource, or None."""
    person = current_app.extensions["booking_availability"].consultant(key)
    if person is None or person.calendar is None or person.calendar.kind != "caldav":
        return None
    return person.calendar


def schedule(booking, action, connection=None):
    """Queue the write of booking to its consultant's CalDAV calendar (before the commit).

    booking must have its id (flushed); connection is the write's (the session's by
    default). Nothing is queued when neither the consultant has a CalDAV calendar nor an
    earlier copy of the booking has to be removed. Returns whether a write was queued.
    """
    if action not in ACTIONS:
        raise ValueError(f"calendar writeback: unknown action {action!r}")
    connection = connection if connection is not None else db.session.connection()
    has_copy = connection.execute(select(CalendarCopy.id).where(
        CalendarCopy.booking_id == booking.id).limit(1)).first() is not None
    if _caldav(booking.consultant) is None and not has_copy:
        return False
    enqueue(connection, f"calendar_{action}", language(), booking_id=booking.id)
    return True


def on_booking_made(app, connection, booking, **rows):
    schedule(booking, "book", connection)


def on_booking_moved(app, connection, booking, **rows):
    schedule(booking, "move", connection)


def on_booking_cancelled(app, connection, booking, **rows):
    schedule(booking, "cancel", connection)


def connect():
    """Listen to the booking events (events.py); idempotent."""
    booking_made.connect(on_booking_made)
    booking_moved.connect(on_booking_moved)
    booking_cancelled.connect(on_booking_cancelled)


def erased(booking_ids):
    """Before bookings are erased on request: queue the deletion of their calendar copies.

    Call in the erasing transaction. The copies lose their booking and are deleted from
    the calendars by a calendar_erase message, which needs no booking.
    """
    copies = db.session.scalars(select(CalendarCopy).where(
        CalendarCopy.booking_id.in_(booking_ids))).all()
    for copy in copies:
        copy.booking_id = None
    if copies:
        now = utcnow()
        db.session.add(OutboxMessage(kind=ERASE_KIND, language=language(),
                                     next_attempt_at=now, created_at=now))


def _copy_of(booking_id):
    return db.session.scalar(select(CalendarCopy).where(CalendarCopy.booking_id == booking_id))


def destination(message):
    """One circuit breaker per consultant's calendar ("calendar:<key>")."""
    if message.booking_id is None:
        return "calendar:erased"
    key = db.session.scalar(select(Booking.consultant).where(Booking.id == message.booking_id))
    return f"calendar:{key}"


def deliver_erase(message):
    """Delete the copies of erased bookings from the calendars; raise to be retried."""
    orphans = db.session.scalars(select(CalendarCopy).where(CalendarCopy.booking_id.is_(None))
                                 .order_by(CalendarCopy.id)).all()
    for copy in orphans:
        _delete(_caldav(copy.consultant), copy.href)
        db.session.delete(copy)
        db.session.commit()


def _state(booking):
    return (booking.status, booking.consultant, booking.starts_at, booking.ends_at,
            booking.sequence, booking.replaced_by)


def deliver(message):
    """Make the consultant's calendar match the booking; raise to be retried."""
    booking = db.session.get(Booking, message.booking_id)
    if booking is None:
        return  # erased on request meanwhile
    for _ in range(3):
        state = _state(booking)
        _sync(booking)
        # A change committed while this ran (a cancel after our read, say) is written
        # again here, so a late PUT never leaves a cancelled meeting in the calendar.
        db.session.commit()
        db.session.refresh(booking)
        if _state(booking) == state:
            return
    raise CalendarWriteFailed("the booking kept changing while it was written")


def _sync(booking):
    copy = _copy_of(booking.id)
    live = booking.status == CONFIRMED and booking.replaced_by is None
    target = _caldav(booking.consultant) if live else None
    href = _href(target, booking) if target is not None else None
    if copy is not None and copy.href != href:
        # Cancelled, or now in another calendar (another consultant, or the file changed).
        _delete(_caldav(copy.consultant), copy.href)
        db.session.delete(copy)
        db.session.flush()
        copy = None
    elif copy is None and not live:
        # No record of a copy: its write may have landed without the record, so delete
        # where it would be (an event that is not there is no error).
        source = _caldav(booking.consultant)
        if source is not None:
            _delete(source, _href(source, booking))
    if target is None:
        return
    _put(target, href, calendar_of([booking_event(booking, language())]))
    if copy is None:
        copy = CalendarCopy(booking_id=booking.id, consultant=booking.consultant)
        db.session.add(copy)
    copy.href, copy.sequence, copy.written_at = href, booking.sequence, utcnow()


def _href(source, booking):
    """The event's address: the calendar's plus the UID, so one UID is one resource."""
    return source.url.rstrip("/") + "/" + quote(booking.uid, safe="@") + ".ics"


def _client(source):
    return caldav.DAVClient(url=source.url, username=source.user,
                            password=source.password(),
                            timeout=float(current_app.config["CALENDAR_TIMEOUT"]),
                            enable_rfc6764=False, require_tls=False)


def _put(source, href, body):
    with _talking(source) as client:
        calendar = client.calendar(url=source.url)
        # increase_seqno=False: SEQUENCE is the booking's, not bumped on every retry.
        caldav.Event(client, url=href, data=body, parent=calendar).save(
            increase_seqno=False, only_this_recurrence=False)
    log.info("calendar writeback: wrote %s", href.rsplit("/", 1)[-1])


def _delete(source, href):
    if source is None:
        return  # that consultant no longer has a CalDAV calendar: nothing we can reach
    with _talking(source) as client:
        calendar = client.calendar(url=source.url)
        try:
            caldav.Event(client, url=href, parent=calendar).delete()
        except caldav_error.NotFoundError:
            pass  # already gone: what we wanted
    log.info("calendar writeback: deleted %s", href.rsplit("/", 1)[-1])


class _talking:
    """A DAVClient whose failures all come out as CalendarWriteFailed with a short reason."""

    def __init__(self, source):
        self.source = source

    def __enter__(self):
        try:
            self.client = _client(self.source)
        except CalendarUnreadable as exc:  # the password variable or file is missing
            raise CalendarWriteFailed(str(exc)) from None
        return self.client.__enter__()

    def __exit__(self, kind, exc, traceback):
        self.client.__exit__(kind, exc, traceback)
        if exc is None:
            return False
        if isinstance(exc, caldav_error.AuthorizationError):
            raise CalendarWriteFailed("the CalDAV server refused the user or password") from None
        if isinstance(exc, caldav_error.DAVError):
            raise CalendarWriteFailed(f"CalDAV error: {_short(exc)}") from None
        if isinstance(exc, niquests.exceptions.RequestException | OSError):
            raise CalendarWriteFailed(f"CalDAV server unreachable: {_short(exc)}") from None
        if isinstance(exc, lxml.etree.LxmlError):
            raise CalendarWriteFailed(f"CalDAV answer unusable: {_short(exc)}") from None
        return False


def _short(exc):
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]
