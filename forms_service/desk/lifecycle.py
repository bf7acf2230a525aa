"""One status for a meeting, from the calendar and the outcome sales recorded.

booked -> moved -> held / no-show -> won / lost, or cancelled by the visitor or by staff.
A move cancels the old time and books a new one: the old row is "replaced" and the new one
"moved". The stage is computed (in SQL for filters, counts and lists), never stored twice.
"""

from flask_babel import gettext
from sqlalchemy import and_, case, exists
from sqlalchemy.orm import aliased

from ..booking.models import CANCELLED, Booking
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


def stage_column():
    """The stage of Booking (with FollowUp outer-joined) as a SQL expression."""
    earlier = aliased(Booking)
    return case(
        (and_(Booking.status == CANCELLED, Booking.replaced_by.is_not(None)), "replaced"),
        (and_(Booking.status == CANCELLED, Booking.cancelled_by == "staff"), "cancelled-staff"),
        (Booking.status == CANCELLED, "cancelled-visitor"),
        (FollowUp.status.in_(OUTCOMES), FollowUp.status),
        (exists().where(earlier.replaced_by == Booking.id), "moved"),
        else_="booked",
    )


def stage_of(booking, follow_up, moved_here=False):
    """The stage of one loaded booking, as stage_column() computes it."""
    if booking.status == CANCELLED:
        if booking.replaced_by is not None:
            return "replaced"
        return "cancelled-staff" if booking.cancelled_by == "staff" else "cancelled-visitor"
    if follow_up is not None and follow_up.status in OUTCOMES:
        return follow_up.status
    return "moved" if moved_here else "booked"
