"""Signed, expiring tokens: the download link and the form start time."""

import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def download_token(lead_id, language):
    """Return the token for the e-book link of lead_id."""
    return _serializer("ebook-download").dumps({"lead": lead_id, "lang": language})


def read_download_token(token):
    """Return (payload, problem): problem is None, "expired" or "invalid"."""
    serializer = _serializer("ebook-download")
    try:
        return serializer.loads(token, max_age=current_app.config["LINK_MAX_AGE"]), None
    except SignatureExpired as exc:
        # Authentic but old: the payload is still trustworthy enough to offer a new link.
        return serializer.load_payload(exc.payload), "expired"
    except BadSignature:
        return None, "invalid"


def start_stamp(head_start=0.0):
    """Return a signed 'form shown at' stamp for server-rendered forms.

    head_start: seconds the reader already spent on the form elsewhere; the stamp counts
    as issued that much earlier.
    """
    return _serializer("form-start").dumps(time.time() - head_start)


def stamp_age(stamp):
    """Return seconds since the stamp was issued, or None when it is not ours."""
    try:
        issued = _serializer("form-start").loads(stamp, max_age=86400)
    except (BadSignature, TypeError, ValueError):
        return None
    return time.time() - float(issued)
