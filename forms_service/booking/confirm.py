"""The confirmation step of a booking that looked automated.

The step's token is signed and names the time and the address it confirms, so it cannot
be reused for another booking. A confirmation sent back sooner than MIN_CONFIRM_SECONDS
(a script reposting at once) or after an hour asks again.
"""

import hashlib
import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "booking-confirm"
MAX_AGE = 3600


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _digest(form):
    text = "{}|{}".format(form.start_utc.isoformat(), (form.email.data or "").lower())
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def confirm_token(form):
    """A token confirming this form's time and address, valid for an hour."""
    return _serializer().dumps({"d": _digest(form), "t": time.time()})


def confirmed(form):
    """True when the form carries a confirmation of its own time and address, not too fast."""
    try:
        payload = _serializer().loads(form.confirm.data or "", max_age=MAX_AGE)
    except BadSignature:
        return False
    if not isinstance(payload, dict) or payload.get("d") != _digest(form):
        return False
    issued = payload.get("t")
    if not isinstance(issued, (int, float)):
        return False
    return time.time() - issued >= current_app.config["MIN_CONFIRM_SECONDS"]
