"""Rate limits per client address and per e-mail address (Flask-Limiter)."""

import logging

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


class _Limiter(Limiter):
    """Flask-Limiter that logs to forms_service and starts each app with its storage up.

    With RATELIMIT_IN_MEMORY_FALLBACK_ENABLED (config.DEFAULTS) an unreachable Redis makes
    the limits count in each process's memory, retrying Redis now and then, instead of
    answering every limited request 500.
    """

    def __init__(self):
        super().__init__(key_func=get_remote_address)
        # Its "storage unreachable - falling back to in-memory storage" warning then goes
        # to the service's JSON log lines, not to stderr as plain text.
        self.logger = logging.getLogger(__name__)

    def init_app(self, app):
        super().init_app(app)
        # One limiter serves every app a process creates (tests make many): a new app gets
        # a new storage, so a dead one seen by an earlier app must not carry over.
        self._storage_dead = False


limiter = _Limiter()


def per_ip():
    return current_app.config["RATELIMIT_PER_IP"]


def per_email():
    return current_app.config["RATELIMIT_PER_EMAIL"]


def has_email():
    return bool(request.form.get("email", "").strip())


def email_key():
    """The submitted address, trimmed and lower-cased, so variants share one budget."""
    return "email:" + request.form.get("email", "").strip().lower()[:254]


def form_limits(scope):
    """A public form's limits: per client address, and per e-mail address within scope."""
    def decorate(view):
        view = limiter.limit(per_email, key_func=email_key, exempt_when=lambda: not has_email(),
                             scope=scope)(view)
        return limiter.limit(per_ip)(view)
    return decorate
