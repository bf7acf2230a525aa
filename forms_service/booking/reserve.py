"""Book, move and cancel meetings: re-validate the slot, pick a consultant, let the database
decide. reserve(), move() and cancel() are the only ways a booking is created or changed;
each records the step in the booking's history and queues its mails in one transaction.

The check in Python keeps answers friendly; the database constraint (migration 0002)
is what makes a double booking impossible when two visitors race for one slot. Each write
queues the visitor's own mail and announces the event (booking_made, booking_moved,
booking_cancelled) in its transaction; sales' notifications and the webhooks react to it.
"""

import uuid
from datetime import UTC

from flask import current_app
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..events import announce, booking_cancelled, booking_made, booking_moved
from ..models import utcnow
from ..outbox import enqueue, wake_worker
from .calendars import busy_now, calendar_busy
from .models import BOOKED, CANCELLED, CONFIRMED, MOVED, STAFF, VISITOR, Booking, BookingEvent


class SlotProblem(Exception):
    """The time is not one we offer: past, holiday, off the grid, too soon or too far."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


class SlotTaken(Exception):
    """Every consultant working then is already booked."""


class BookingChanged(Exception):
    """The booking to move was cancelled or moved by another request meanwhile."""


class _LostRace(Exception):
    """The consultant was booked while this request waited for the lock."""


def naive(moment):
    return moment.astimezone(UTC).replace(tzinfo=None)


def busy(start, end, exclude=None):
    """{consultant: [(start, blocked_until)]} of confirmed bookings touching [start, end)."""
    query = select(Booking.consultant, Booking.starts_at, Booking.blocked_until).where(
        Booking.status == CONFIRMED, Booking.starts_at < naive(end),
        Booking.blocked_until > naive(start))
    if exclude is not None:
        query = query.where(Booking.id != exclude)
    taken = {}
    for key, b_start, b_until in db.session.execute(query):
        taken.setdefault(key, []).append((b_start.replace(tzinfo=UTC),
                                          b_until.replace(tzinfo=UTC)))
    return taken


def open_slots(availability, start, end, now):
    """The bookable Slots in [start, end)."""
    first, last = availability.window(now)
    # Only the window has slots; clamping also keeps the margins below inside the calendar.
    start, end = max(start, first), min(end, last)
    margin = availability.meeting + availability.buffer
    taken = busy(start - margin, end + margin)
    # The consultants' own calendars (cached; a calendar that cannot be read blocks all).
    for key, pairs in calendar_busy(availability, start - margin, end + margin, now).items():
        taken[key] = taken.get(key, []) + pairs
    return availability.free_slots(start, end, now, taken)


def _round_robin(availability, free):
    """The free consultant who comes next after the one booked most recently."""
    order = [c.key for c in availability.consultants]
    last = db.session.scalar(select(Booking.consultant).order_by(Booking.id.desc()).limit(1))
    first = order.index(last) + 1 if last in order else 0
    rotated = order[first:] + order[:first]
    return next(key for key in rotated if key in free)


def _lock(key):
    # PostgreSQL: one booking transaction per consultant at a time, so the check below
    # sees every committed booking (the exclusion constraint is the backstop). SQLite
    # serializes writers anyway, and its trigger repeats the check inside the lock.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                           {"k": "booking:" + key})


def _place(availability, start, now, write, moving=None, only=None):
    """Find a consultant free at start and call write(key) under their lock; commit.

    moving: the confirmed Booking being moved (its own time does not count as taken, and
    its consultant keeps it when free). only: the one consultant to book, or None for any.
    Returns what write returned.
    Raises SlotProblem, SlotTaken, or BookingChanged from write.
    """
    problem = availability.problem(start, now)
    if problem:
        raise SlotProblem(problem)
    grid = availability.grid(start.astimezone(availability.zone).date())
    exclude = moving.id if moving is not None else None
    tried = set()
    while True:
        taken = busy(start - availability.meeting - availability.buffer,
                     start + availability.meeting + availability.buffer, exclude)
        free = [k for k in grid[start] if k not in tried and (only is None or k == only)
                and availability.is_free(k, start, taken)]
        if not free:
            db.session.rollback()
            raise SlotTaken()
        key = (moving.consultant if moving is not None and moving.consultant in free
               else _round_robin(availability, free))
        tried.add(key)
        # The last line of defence: the consultant's calendar, read now, not from the cache.
        if not availability.is_free(key, start, {key: busy_now(
                availability, key, start, start + availability.meeting + availability.buffer)}):
            continue
        try:
            _lock(key)
            if not availability.is_free(key, start, busy(
                    start - availability.meeting - availability.buffer,
                    start + availability.meeting + availability.buffer, exclude)):
                raise _LostRace()
            result = write(key)
        except (IntegrityError, _LostRace):
            # Another booking got this consultant first; try the next one free then.
            db.session.rollback()
            continue
        except BookingChanged:
            db.session.rollback()
            raise
        else:
            wake_worker()
            return result


def _times(availability, start):
    return {"starts_at": naive(start), "ends_at": naive(start + availability.meeting),
            "blocked_until": naive(start + availability.meeting + availability.buffer)}


def reserve(availability, start, details, now, by=VISITOR, staff_email=None, via="web",
            only=None):
    """Book start for the visitor in details; return the Booking (committed).

    by/staff_email/via: who booked, and how ("web", or "phone" when staff book for a caller);
    only: the consultant to book (staff may choose), else any free one.
    Raises SlotProblem or SlotTaken.
    """

    def write(key):
        at = utcnow()
        booking = Booking(
            uid=f"{uuid.uuid4()}@normkraft.se", consultant=key, **_times(availability, start),
            status=CONFIRMED, sequence=0, created_at=at,
            consent_version=current_app.config["CONSENT_VERSION"], **details)
        db.session.add(booking)
        db.session.flush()
        event = _record(booking, BOOKED, at, by, staff_email, via=via)
        _queue(booking, event, "booking_request")
        announce(booking_made, db.session.connection(), booking=booking, step=event)
        db.session.commit()
        return booking

    return _place(availability, start, now, write, only=only)


def move(availability, booking, start, now, by=VISITOR, staff_email=None):
    """Reschedule booking to start in place: same UID, SEQUENCE + 1, REQUEST mails.

    The new time is taken in the same transaction that frees the old one. Raises
    SlotProblem, SlotTaken, or BookingChanged when booking was cancelled or moved
    meanwhile (it must still have the status and SEQUENCE it was loaded with).
    """
    before = {"from_consultant": booking.consultant, "from_starts_at": booking.starts_at,
              "from_ends_at": booking.ends_at}
    seen = booking.sequence

    def write(key):
        at = utcnow()
        # The conditional UPDATE is the check: a concurrent cancel or move of the same
        # booking holds the row (PostgreSQL) or the database (SQLite) until it commits, and
        # then this one matches nothing, so one booking never turns into two meetings.
        changed = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.status == CONFIRMED,
                                  Booking.sequence == seen)
            .values(consultant=key, sequence=seen + 1, **_times(availability, start))
            .execution_options(synchronize_session=False)).rowcount
        if not changed:
            raise BookingChanged()
        db.session.refresh(booking)
        event = _record(booking, MOVED, at, by, staff_email, **before)
        _queue(booking, event, "booking_moved")
        announce(booking_moved, db.session.connection(), booking=booking, step=event)
        db.session.commit()
        return booking

    if booking.status != CONFIRMED:
        raise BookingChanged()
    return _place(availability, start, now, write, moving=booking)


def cancel(booking, by=VISITOR, staff_email=None):
    """Cancel booking, free its slot and queue the CANCEL mails; False if changed meanwhile.

    by is who cancelled: "visitor" (the manage link) or "staff" (the sales desk). Only the
    booking as it was loaded is cancelled: not one moved or cancelled since.
    """
    at = utcnow()
    changed = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == CONFIRMED,
                              Booking.sequence == booking.sequence)
        .values(status=CANCELLED, cancelled_at=at, cancelled_by=by,
                sequence=Booking.sequence + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        return False
    db.session.refresh(booking)
    event = _record(booking, CANCELLED, at, by, staff_email)
    _queue(booking, event, "booking_cancel")
    announce(booking_cancelled, db.session.connection(), booking=booking, step=event, by=by)
    db.session.commit()
    wake_worker()
    return True


def _record(booking, kind, at, by, staff_email, **fields):
    event = BookingEvent(booking_id=booking.id, kind=kind, at=at, by=by,
                         staff_email=staff_email if by == STAFF else None,
                         consultant=booking.consultant, starts_at=booking.starts_at,
                         ends_at=booking.ends_at, sequence=booking.sequence, **fields)
    db.session.add(event)
    db.session.flush()
    return event


def _queue(booking, event, visitor_kind):
    """The visitor's own mail about event; sales and the rest react to the announcement."""
    enqueue(db.session.connection(), visitor_kind, booking.language, booking_id=booking.id,
            booking_event_id=event.id)


def has_started(booking, now):
    return booking.starts_at.replace(tzinfo=UTC) <= now
