"""Error handlers: the localized failure answer instead of Flask's default pages."""

import logging

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError

from .db import db
from .responses import failure

log = logging.getLogger(__name__)


def _database_down(exc):
    # The transaction is rolled back, so nothing is half-written.
    db.session.rollback()
    log.error("forms: database unavailable: %s", exc)
    return failure(503)


def _write_refused(exc):
    # A constraint the code did not expect: rolled back, and the reader is told.
    db.session.rollback()
    log.error("forms: the database refused a write: %s", exc)
    return failure(500)


def init_app(app):
    """Register the handlers on app."""
    for exc_class in (OperationalError, InterfaceError, ProgrammingError):
        app.register_error_handler(exc_class, _database_down)
    app.register_error_handler(IntegrityError, _write_refused)
    for status in (400, 404, 405, 413, 429, 500):
        app.register_error_handler(status, lambda exc, status=status: failure(status))
