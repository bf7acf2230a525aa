"""Error handlers: the localized failure answer instead of Flask's default pages."""

import logging
import smtplib

from redis.exceptions import RedisError
from sqlalchemy.exc import (
    DBAPIError, IntegrityError, InterfaceError, OperationalError, ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .db import db
from .responses import failure

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


def init_app(app):
    """Register the handlers on app."""
    for exc_class in DATABASE_ERRORS:
        app.register_error_handler(exc_class, _database_down)
    for exc_class in DEPENDENCY_ERRORS:
        app.register_error_handler(exc_class, _dependency_down)
    app.register_error_handler(IntegrityError, _write_refused)
    for status in (400, 404, 405, 413, 429, 500, 503):
        app.register_error_handler(status, lambda exc, status=status: failure(status))
