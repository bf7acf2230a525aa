"""Reserve and cancel meetings: re-validate the slot, pick a consultant, let the database decide.

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
from .models import CANCELLED, CONFIRMED, Booking


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


def reserve(availability, start, details, now, replace=None):
    """Book start for the visitor in details; return the Booking (committed).

    replace: a confirmed Booking to cancel in the same transaction (a reschedule).
    Raises SlotProblem, SlotTaken, or BookingChanged when replace is no longer confirmed.
    """
    problem = availability.problem(start, now)
    if problem:
        raise SlotProblem(problem)
    grid = availability.grid(start.astimezone(availability.zone).date())
    tried = set()
    while True:
        exclude = replace.id if replace is not None else None
        taken = busy(start - availability.meeting - availability.buffer,
                     start + availability.meeting + availability.buffer, exclude)
        free = [k for k in grid[start]
                if k not in tried and availability.is_free(k, start, taken)]
        if not free:
            db.session.rollback()
            raise SlotTaken()
        key = _round_robin(availability, free)
        tried.add(key)
        # The last line of defence: the consultant's calendar, read now, not from the cache.
        if not availability.is_free(key, start, {key: busy_now(
                availability, key, start, start + availability.meeting + availability.buffer)}):
            continue
        try:
            booking = _insert(availability, key, start, details, replace)
        except (IntegrityError, _LostRace):
            # Another visitor got this consultant first; try the next one free then.
            db.session.rollback()
            continue
        except BookingChanged:
            db.session.rollback()
            raise
        else:
            wake_worker()
            return booking


def _insert(availability, key, start, details, replace):
    _lock(key)
    if not availability.is_free(key, start, busy(
            start - availability.meeting - availability.buffer,
            start + availability.meeting + availability.buffer,
            replace.id if replace is not None else None)):
        raise _LostRace()
    now = utcnow()
    # The conditional UPDATE is the check: a concurrent cancel or move of the same booking
    # holds the row (PostgreSQL) or the database (SQLite) until it commits, and then this
    # one matches nothing, so one booking never turns into two meetings.
    if replace is not None and not _cancel_row(replace.id, now):
        raise BookingChanged()
    booking = Booking(
        uid=f"{uuid.uuid4()}@normkraft.se", consultant=key, starts_at=naive(start),
        ends_at=naive(start + availability.meeting),
        blocked_until=naive(start + availability.meeting + availability.buffer),
        status=CONFIRMED, sequence=0, created_at=now,
        consent_version=current_app.config["CONSENT_VERSION"], **details)
    db.session.add(booking)
    db.session.flush()
    connection = db.session.connection()
    if replace is not None:
        db.session.execute(update(Booking).where(Booking.id == replace.id)
                           .values(replaced_by=booking.id))
        enqueue(connection, "booking_cancel", replace.language, booking_id=replace.id)
    enqueue(connection, "booking_request", booking.language, booking_id=booking.id)
    # Sales and the CRM hear of it in this transaction (events.py).
    if replace is not None:
        db.session.refresh(replace)  # the receivers see it cancelled and replaced
        announce(booking_moved, connection, booking=booking, previous=replace)
    else:
        announce(booking_made, connection, booking=booking)
    db.session.commit()
    return booking


def _cancel_row(booking_id, now, by=None):
    return db.session.execute(
        update(Booking).where(Booking.id == booking_id, Booking.status == CONFIRMED)
        .values(status=CANCELLED, cancelled_at=now, cancelled_by=by,
                sequence=Booking.sequence + 1)
        .execution_options(synchronize_session=False)).rowcount


def cancel(booking, by="visitor"):
    """Cancel booking, free its slot and queue the CANCEL mails; False if already cancelled.

    by is who cancelled: "visitor" (the manage link) or "staff" (the sales desk).
    """
    now = utcnow()
    if not _cancel_row(booking.id, now, by):
        db.session.rollback()
        return False
    connection = db.session.connection()
    enqueue(connection, "booking_cancel", booking.language, booking_id=booking.id)
    db.session.refresh(booking)  # the receivers see it cancelled
    announce(booking_cancelled, connection, booking=booking, by=by)
    db.session.commit()
    wake_worker()
    return True


def has_started(booking, now):
    return booking.starts_at.replace(tzinfo=UTC) <= now

