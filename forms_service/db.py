"""Database extension objects, bound to the app in create_app."""

import time

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase

# A pooled PostgreSQL connection idle this long is pinged before use. Busy connections are
# not: under load the ping was a round trip per request, a tenth of a signup's cost.
PING_AFTER_IDLE_SECONDS = 1.0


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers and the single writer work at once; busy_timeout makes
    # concurrent writers (gunicorn workers, the outbox thread) wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _ping_idle_connections(engine):
    """Ping a pooled connection before use when it sat idle (PostgreSQL may have restarted).

    Raising DisconnectionError makes the pool drop the connection and hand out a fresh one.
    """
    dialect = engine.dialect

    def remember_use(dbapi_connection, connection_record):
        connection_record.info["last_used"] = time.monotonic()

    def ping_if_idle(dbapi_connection, connection_record, connection_proxy):
        last_used = connection_record.info.get("last_used", 0.0)
        if time.monotonic() - last_used < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(f"ping failed: {error}") from error
        if not alive:
            raise DisconnectionError("ping failed")

    event.listen(engine, "connect", remember_use)
    event.listen(engine, "checkin", remember_use)
    event.listen(engine, "checkout", ping_if_idle)


def init_app(app):
    """Bind SQLAlchemy and Alembic to app; tune SQLite connections, ping idle PostgreSQL ones."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # A file has no connection to lose: no ping.
            event.listen(db.engine, "connect", _sqlite_pragmas)
        else:
            _ping_idle_connections(db.engine)
