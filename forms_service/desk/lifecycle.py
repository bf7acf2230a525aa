"""One status for a meeting, from the calendar and the outcome sales recorded.

booked -> moved -> held / no-show -> won / lost, or cancelled by the visitor or by staff.
A move reschedules the booking in place and records a "moved" step in its history
(booking_events). Moves made before migration 0012 cancelled the old row ("replaced") and
booked a new one; those still count as "moved". The stage is computed (in SQL for filters,
counts and lists), never stored twice.
"""

from flask_babel import gettext
from sqlalchemy import and_, case, exists, false, not_, or_
from sqlalchemy.orm import aliased

from ..booking.models import CANCELLED, MOVED, Booking, BookingEvent
from .models import OUTCOMES, FollowUp

STAGES = ("booked", "moved", *OUTCOMES, "cancelled-visitor", "cancelled-staff", "replaced")
# The stages of a meeting that took place.
HELD = ("held", "won", "lost")
# The message shown for each stage (the English catalog shows msgids as they are).
LABELS = {"booked": "booked", "moved": "moved", "held": "held", "no-show": "no-show",
          "won": "won", "lost": "lost", "cancelled-visitor": "cancelled by the visitor",
          "cancelled-staff": "cancelled by us", "replaced": "replaced by a new time"}


def stage_label(stage):
    """The stage's name in the request's language."""
    return gettext(LABELS.get(stage, stage))


def _moved_here():
    """Booking was moved: a "moved" step in its history, or (a move made before migration
    0012) an earlier row replaced by it."""
    earlier = aliased(Booking)
    # "IS NOT NULL" lets PostgreSQL read the few replaced rows from ix_bookings_replaced_by
    # when it hashes them, instead of reading every booking.
    return or_(
        exists().where(BookingEvent.booking_id == Booking.id, BookingEvent.kind == MOVED),
        exists().where(earlier.replaced_by.is_not(None), earlier.replaced_by == Booking.id))


def stage_column():
    """The stage of Booking (with FollowUp outer-joined) as a SQL expression."""
    return case(
        (and_(Booking.status == CANCELLED, Booking.replaced_by.is_not(None)), "replaced"),
        (and_(Booking.status == CANCELLED, Booking.cancelled_by == "staff"), "cancelled-staff"),
        (Booking.status == CANCELLED, "cancelled-visitor"),
        (FollowUp.status.in_(OUTCOMES), FollowUp.status),
        (_moved_here(), "moved"),
        else_="booked",
    )


def stage_condition(stage):
    """stage_column() == stage, written so the database can use its indexes.

    The same cases in the same order as stage_column(), each one a plain condition (a CASE
    hides the columns from the planner: filtering on it reads every booking).
    """
    cancelled, live = Booking.status == CANCELLED, Booking.status != CANCELLED
    # An outcome sales recorded (follow-up outer-joined, so possibly NULL).
    outcome = and_(FollowUp.status.is_not(None), FollowUp.status.in_(OUTCOMES))
    conditions = {
        "replaced": and_(cancelled, Booking.replaced_by.is_not(None)),
        "cancelled-staff": and_(cancelled, Booking.replaced_by.is_(None),
                                Booking.cancelled_by == "staff"),
        "cancelled-visitor": and_(cancelled, Booking.replaced_by.is_(None),
                                  or_(Booking.cancelled_by.is_(None),
                                      Booking.cancelled_by != "staff")),
        "moved": and_(live, not_(outcome), _moved_here()),
        "booked": and_(live, not_(outcome), not_(_moved_here())),
    }
    conditions.update({name: and_(live, FollowUp.status == name) for name in OUTCOMES})
    return conditions.get(stage, false())


def stage_of(booking, follow_up, moved_here=False):
    """The stage of one loaded booking, as stage_column() computes it."""
    if booking.status == CANCELLED:
        if booking.replaced_by is not None:
            return "replaced"
        return "cancelled-staff" if booking.cancelled_by == "staff" else "cancelled-visitor"
    if follow_up is not None and follow_up.status in OUTCOMES:
        return follow_up.status
    return "moved" if moved_here else "booked"
