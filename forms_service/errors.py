"""Error handlers: the localized answer instead of Flask's default pages, never a 500 page
for something a visitor sent."""

import logging
import math
import smtplib
import time

from flask import request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from redis.exceptions import RedisError
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .db import db
from .limits import limiter
from .responses import failure, message_answer
from .submission import BadInput, check_request, field_label

log = logging.getLogger(__name__)

# A server the request needed did not answer, or answered with a broken connection:
# the reader gets the 503 (try again later), never a 500 and a stack trace.
DATABASE_ERRORS = (OperationalError, InterfaceError, ProgrammingError, PoolTimeoutError)
DEPENDENCY_ERRORS = (RedisError, smtplib.SMTPException, ConnectionError, TimeoutError)


def _database_down(exc):
    # The transaction is rolled back, so nothing is half-written.
    _rollback()
    log.error("forms: database unavailable: %s", exc)
    return failure(503)


def _dependency_down(exc):
    _rollback()
    log.error("forms: a server the request needs is unavailable: %s: %s",
              type(exc).__name__, exc)
    return failure(503)


def _rollback():
    try:
        db.session.rollback()
    except DBAPIError as exc:  # the connection is gone: the pool drops it anyway
        log.warning("forms: rollback failed: %s", exc)


def _write_refused(exc):
    # A constraint the code did not expect: rolled back, and the reader is told.
    _rollback()
    log.error("forms: the database refused a write: %s", exc)
    return failure(500)


def _bad_input(exc):
    log.info("forms: refused input in %r on %s", exc.field, request.path)
    message = gettext(str(exc.message), field=field_label(exc.field or ""))
    errors = {exc.field: [message]} if exc.field else {}
    return message_answer(gettext("Please check what you sent"), message, 422, errors)


def _session_expired(exc):
    # The one CSRF answer: a token that is missing, expired or not this session's.
    log.info("forms: CSRF check failed on %s: %s", request.path, exc.description)
    return message_answer(gettext("Your session has expired"),
                          gettext("Your session has expired. Please try again."), 400)


TOO_MANY = "Too many attempts. Please try again in %(minutes)d minutes."
TOO_MANY_SOON = "Too many attempts. Please try again in a minute."


def _too_many(exc):
    """429 in the reader's language, saying when to try again (as Retry-After does)."""
    limit = limiter.current_limit
    seconds = max(1, math.ceil(limit.reset_at - time.time())) if limit else 60
    minutes = max(1, round(seconds / 60))
    message = gettext(TOO_MANY, minutes=minutes) if minutes > 1 else gettext(TOO_MANY_SOON)
    response = message_answer(gettext("Too many attempts"), message, 429)
    if not isinstance(response, tuple):
        response.headers["Retry-After"] = str(seconds)
        return response
    html, status, headers = response
    return html, status, {**headers, "Retry-After": str(seconds)}


def _retry_after_only_on_429(response):
    # Flask-Limiter adds Retry-After to every limited answer; it only means "wait" on a 429.
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def init_app(app):
    """Register the handlers on app; call before the limiter is bound (see the hook's order)."""
    app.before_request(check_request)
    # Registered before Flask-Limiter's own after_request hook, so it runs after it.
    app.after_request(_retry_after_only_on_429)
    for exc_class in DATABASE_ERRORS:
        app.register_error_handler(exc_class, _database_down)
    for exc_class in DEPENDENCY_ERRORS:
        app.register_error_handler(exc_class, _dependency_down)
    app.register_error_handler(IntegrityError, _write_refused)
    app.register_error_handler(BadInput, _bad_input)
    app.register_error_handler(CSRFError, _session_expired)
    app.register_error_handler(429, _too_many)
    for status in (400, 404, 405, 413, 500, 503):
        app.register_error_handler(status, lambda exc, status=status: failure(status))
