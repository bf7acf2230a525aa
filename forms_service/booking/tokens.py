"""The signed link in the confirmation mail that lets the visitor cancel or move a meeting."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "booking-manage"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def manage_token(booking):
    """Return the token for booking's cancel/reschedule page."""
    return _serializer().dumps({"b": booking.id, "u": booking.uid, "l": booking.language})


def read_manage_token(token):
    """Return (payload, problem): problem is None, "expired" or "invalid"."""
    serializer = _serializer()
    try:
        return serializer.loads(token, max_age=current_app.config["BOOKING_LINK_MAX_AGE"]), None
    except SignatureExpired as exc:
        # Authentic but old: its language can still be used for the answer.
        return serializer.load_payload(exc.payload), "expired"
    except BadSignature:
        return None, "invalid"
