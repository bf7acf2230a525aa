"""Signed, expiring tokens: the download link, the booking link and the form start time."""

import time

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .bounds import is_id


def is_text(value):
    """A short string (a language code, a booking uid)."""
    return type(value) is str and len(value) <= 100


def is_time(value):
    """A Unix time as a number; NaN, infinities and absurd values are refused."""
    return type(value) in (int, float) and 0 <= value < 1e11


def record(**fields):
    """A payload check: a JSON object with exactly these keys, each passing its check."""
    def check(payload):
        return (type(payload) is dict and payload.keys() == fields.keys()
                and all(fits(payload[key]) for key, fits in fields.items()))
    return check


class SignedLink:
    """Tokens signed with SECRET_KEY under one salt, whose payload has one shape.

    language names the payload key holding the reader's language: when a token is signed
    but its payload is malformed, that key alone is handed back (if it is a short string), so
    the "link no longer works" page can still speak the reader's language.
    """

    def __init__(self, salt, shape, language=None):
        self.salt, self.shape, self.language = salt, shape, language

    def _serializer(self):
        return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=self.salt)

    def dumps(self, payload):
        """Return a token for payload, signed now."""
        return self._serializer().dumps(payload)

    def loads(self, token, max_age):
        """Return (payload, problem): problem is None, "expired" or "invalid".

        An invalid token gives no payload, or only its language; an expired one gives its
        whole payload (authentic, only old: enough to offer a new link).
        """
        serializer = self._serializer()
        try:
            payload, problem = serializer.loads(token, max_age=max_age), None
        except SignatureExpired as exc:
            try:
                payload, problem = serializer.load_payload(exc.payload), "expired"
            except BadSignature:  # BadPayload: signed, but not JSON
                return None, "invalid"
        except BadSignature:
            return None, "invalid"
        if not self.shape(payload):
            # Signed with our key, yet not a payload we make (an old format, or our own bug):
            # to the reader it is a link that no longer works.
            return self._language_only(payload), "invalid"
        return payload, problem

    def _language_only(self, payload):
        if self.language and type(payload) is dict and is_text(payload.get(self.language)):
            return {self.language: payload[self.language]}
        return None


DOWNLOAD = SignedLink("ebook-download", record(lead=is_id, lang=is_text), language="lang")
FORM_START = SignedLink("form-start", is_time)


def download_token(lead_id, language):
    """Return the token for the e-book link of lead_id."""
    return DOWNLOAD.dumps({"lead": lead_id, "lang": language})


def read_download_token(token):
    """Return (payload, problem): problem is None, "expired" or "invalid"."""
    return DOWNLOAD.loads(token, current_app.config["LINK_MAX_AGE"])


def start_stamp(head_start=0.0):
    """Return a signed 'form shown at' stamp for server-rendered forms.

    head_start: seconds the reader already spent on the form elsewhere; the stamp counts
    as issued that much earlier.
    """
    return FORM_START.dumps(time.time() - head_start)


def stamp_age(stamp):
    """Return seconds since the stamp was issued, or None when it is not ours."""
    if not isinstance(stamp, str | bytes):
        return None
    issued, problem = FORM_START.loads(stamp, max_age=86400)
    if problem:
        return None
    return time.time() - issued
