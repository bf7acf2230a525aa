"""Database extension objects, bound to the app in create_app, and the deadlines on every call."""

import contextlib
import contextvars
import logging
import time

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase

log = logging.getLogger(__name__)

# A pooled PostgreSQL connection idle this long is pinged before use. Busy connections are
# not: under load the ping was a round trip per request, a tenth of a signup's cost.
PING_AFTER_IDLE_SECONDS = 1.0
# A ping needs one round trip; a server that takes longer is treated as gone.
PING_DEADLINE_SECONDS = 1.0


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# The longest this context waits for one answer from PostgreSQL (None: the app's default).
_deadline = contextvars.ContextVar("forms_db_deadline", default=None)


@contextlib.contextmanager
def deadline(seconds):
    """Wait at most seconds for each answer from PostgreSQL inside the block."""
    token = _deadline.set(seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


class _Stall:
    """When PostgreSQL last failed to answer in time, per process.

    While it is recent, new connections fail at once instead of each request waiting out
    its own connect timeout: a frozen server then costs one request a few seconds, not
    every request. After retry_seconds the next request tries the server again.
    """

    def __init__(self, retry_seconds):
        self.until = 0.0
        self.retry_seconds = retry_seconds

    def seen(self):
        self.until = time.monotonic() + self.retry_seconds

    def active(self):
        return time.monotonic() < self.until


def _deadline_connection_class(default_seconds, stall):
    """A psycopg Connection class whose every wait on the server ends after a deadline.

    statement_timeout is enforced by the server, so a server that hangs (stopped process,
    lost network, full disk) never sends it: the client needs its own deadline. On expiry
    the connection is closed, so SQLAlchemy treats it as a disconnect and the pool drops it.
    """
    import psycopg
    from psycopg import errors

    wait_timeout = getattr(errors, "_WaitTimeout", psycopg.OperationalError)

    class DeadlineConnection(psycopg.Connection):
        def wait(self, gen, *args, **kwargs):
            if kwargs.get("timeout") is None and len(args) < 2:
                seconds = _deadline.get()
                kwargs["timeout"] = default_seconds if seconds is None else seconds
            try:
                return super().wait(gen, *args, **kwargs)
            except wait_timeout:
                stall.seen()
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"PostgreSQL did not answer within {kwargs['timeout']} s") from None

    return DeadlineConnection


def _postgres_engine_options(config):
    """Connect, statement, lock and pool-checkout timeouts for a PostgreSQL engine."""
    statement_ms = int(config["DB_STATEMENT_TIMEOUT"] * 1000)
    lock_ms = int(config["DB_LOCK_TIMEOUT"] * 1000)
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("connect_timeout", max(2, int(config["DB_CONNECT_TIMEOUT"])))
    # psycopg prepares a statement it has run five times; PostgreSQL may then plan it once
    # for any parameters (a generic plan), which cannot use a trigram index for a search
    # text it does not know, nor tell a day's range from a year's. One plan per run.
    connect_args.setdefault(
        "options", f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms} "
                   "-c plan_cache_mode=force_custom_plan")
    options["connect_args"] = connect_args
    options.setdefault("pool_timeout", config["DB_POOL_TIMEOUT"])
    return options


def _sqlite_pragmas(busy_ms):
    def set_pragmas(dbapi_connection, connection_record):
        # WAL lets readers and the single writer work at once; busy_timeout makes
        # concurrent writers (gunicorn workers, the outbox thread) wait, but not forever.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return set_pragmas


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
        current = _deadline.get()
        try:
            with deadline(min(PING_DEADLINE_SECONDS, current or PING_DEADLINE_SECONDS)):
                alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(f"ping failed: {error}") from error
        if not alive:
            raise DisconnectionError("ping failed")

    event.listen(engine, "connect", remember_use)
    event.listen(engine, "checkin", remember_use)
    event.listen(engine, "checkout", ping_if_idle)


def _connect_with_deadlines(engine, config):
    """Open psycopg connections whose waits end; refuse at once while the server stalls."""
    stall = _Stall(config["DB_RETRY_SECONDS"])
    connection_class = _deadline_connection_class(
        config["DB_STATEMENT_TIMEOUT"] + config["DB_DEADLINE_GRACE"], stall)
    dbapi = engine.dialect.loaded_dbapi

    def connect(dialect, conn_rec, cargs, cparams):
        if stall.active():
            raise dbapi.OperationalError("PostgreSQL did not answer a moment ago; "
                                         "trying again shortly")
        try:
            return connection_class.connect(*cargs, **cparams)
        except dbapi.errors.ConnectionTimeout:
            stall.seen()
            raise

    event.listen(engine, "do_connect", connect)
    return stall


def init_app(app):
    """Bind SQLAlchemy and Alembic to app, with a deadline on every database call."""
    config = app.config
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = _postgres_engine_options(config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(config["MIGRATIONS_DIR"]))
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # A file has no connection to lose: no ping.
            event.listen(db.engine, "connect", _sqlite_pragmas(config["DB_BUSY_TIMEOUT"] * 1000))
        elif db.engine.dialect.driver == "psycopg":
            app.extensions["forms_db_stall"] = _connect_with_deadlines(db.engine, config)
            _ping_idle_connections(db.engine)
        else:
            _ping_idle_connections(db.engine)
