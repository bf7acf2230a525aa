"""Request checks shared by the POST views: same-site origin, CSRF, bot traps."""

from urllib.parse import urlsplit

from flask import current_app, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from .tokens import stamp_age

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


def looks_like_a_bot(form):
    """True for a filled honeypot or a form sent faster than a person could fill it."""
    if form.website.data:
        return True
    minimum = current_app.config["MIN_FILL_SECONDS"]
    if form.ts.data:
        age = stamp_age(form.ts.data)
        return age is None or age < minimum
    if form.elapsed.data:
        # Measured by forms.js from page load; a script that skips JS has no token anyway.
        try:
            return float(form.elapsed.data) / 1000 < minimum
        except ValueError:
            return True
    # Our pages always send one of the two.
    return True
