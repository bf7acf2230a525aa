"""Request checks shared by the POST views: same-site origin and CSRF (bot signals:
bot_signals.py)."""

from urllib.parse import urlsplit

from flask import current_app, request
from flask_wtf.csrf import CSRFError, CSRFProtect

csrf = CSRFProtect()


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin():
    """True when Origin (or, without it, Referer) is our own site."""
    site = _origin(current_app.config["SITE_URL"])
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin.lower() == site
    referer = request.headers.get("Referer")
    if referer:
        return _origin(referer) == site
    return False


def csrf_ok():
    """Check the CSRF token from the form field or the X-CSRFToken header."""
    try:
        csrf.protect()
    except CSRFError:
        return False
    return True
