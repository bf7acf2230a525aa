"""The signed link in the confirmation mail that lets the visitor cancel or move a meeting."""

from flask import current_app

from ..bounds import is_id
from ..tokens import SignedLink, is_text, record

MANAGE = SignedLink("booking-manage", record(b=is_id, u=is_text, l=is_text), language="l")


def manage_token(booking):
    """Return the token for booking's cancel/reschedule page."""
    return MANAGE.dumps({"b": booking.id, "u": booking.uid, "l": booking.language})


def read_manage_token(token):
    """Return (payload, problem): problem is None, "expired" or "invalid"."""
    return MANAGE.loads(token, current_app.config["BOOKING_LINK_MAX_AGE"])
