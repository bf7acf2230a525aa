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


def confirm_token(form, signals):
    """A token confirming this form's time and address for an hour; it keeps the signals
    that asked for it, so the booking records why it was held."""
    return _serializer().dumps({"d": _digest(form), "t": time.time(), "s": list(signals)})


def confirmed_signals(form):
    """The signals a valid confirmation of this form's time and address was asked for, or
    None when the form carries none (or a forged, foreign, stale or too fast one)."""
    try:
        payload = _serializer().loads(form.confirm.data or "", max_age=MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("d") != _digest(form):
        return None
    issued, signals = payload.get("t"), payload.get("s")
    if not isinstance(issued, (int, float)) or not isinstance(signals, list):
        return None
    if time.time() - issued < current_app.config["MIN_CONFIRM_SECONDS"]:
        return None
    return [str(signal)[:40] for signal in signals]
