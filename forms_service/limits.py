"""Rate limits per client address and per e-mail address (Flask-Limiter)."""

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def per_ip():
    return current_app.config["RATELIMIT_PER_IP"]


def per_email():
    return current_app.config["RATELIMIT_PER_EMAIL"]


def has_email():
    return bool(request.form.get("email", "").strip())


def email_key():
    """The submitted address, trimmed and lower-cased, so variants share one budget."""
    return "email:" + request.form.get("email", "").strip().lower()[:254]
