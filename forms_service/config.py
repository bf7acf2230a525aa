"""The service's one configuration: every setting, its default, and the variable setting it.

`DEFAULTS` are the settings no environment variable changes. `VARIABLES` are the FORMS_*
environment variables of the app, each with the setting it fills and its default as the
text a shell would give (None: worked out from other settings, see `from_environment`).
`SERVER_VARIABLES` are read by deploy/gunicorn.conf.py before any app exists. The README's
variable table lists the same variables with the same defaults (tests/forms/test_config.py).
"""

import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def flag(value):
    """Parse an on/off variable: 1, true, yes or on is on, anything else off."""
    return value.strip().lower() in {"1", "true", "yes", "on"}


def text(value):
    return value


def lowercase(value):
    return value.strip().lower()


def comma_list(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def origin(value):
    return value.rstrip("/")


def database_url(url):
    """Use psycopg 3 for plain postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url and url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Variable:
    """One environment variable: the setting it fills, how to read it, its default text."""

    name: str
    key: str
    parse: Any = text
    default: str | None = None

    def read(self, environ):
        """Return the parsed value from environ; unset or blank gives the default."""
        raw = environ.get(self.name)
        if raw is None or raw.strip() == "":
            raw = self.default
        return None if raw is None else self.parse(raw)


VARIABLES = (
    # None means: the embedded defaults (SQLite and a key file in instance/).
    Variable("FORMS_DATABASE_URL", "SQLALCHEMY_DATABASE_URI", database_url),
    Variable("FORMS_SECRET_KEY", "SECRET_KEY"),
    Variable("FORMS_SMTP_URL", "SMTP_URL"),
    Variable("FORMS_MAIL_FROM", "MAIL_FROM", text, "Normkraft <no-reply@normkraft.se>"),
    Variable("FORMS_SUPPORT_EMAIL", "SUPPORT_EMAIL", text, "support@normkraft.se"),
    Variable("FORMS_SALES_EMAIL", "SALES_EMAIL", text, "sales@normkraft.se"),
    Variable("FORMS_SITE_URL", "SITE_URL", origin, "http://127.0.0.1:8000"),
    Variable("FORMS_RATELIMIT_STORAGE_URL", "RATELIMIT_STORAGE_URI", text, "memory://"),
    Variable("FORMS_RATELIMIT_ENABLED", "RATELIMIT_ENABLED", flag, "true"),
    Variable("FORMS_RATELIMIT_PER_IP", "RATELIMIT_PER_IP", text, "10/minute;60/hour"),
    Variable("FORMS_RATELIMIT_PER_EMAIL", "RATELIMIT_PER_EMAIL", text, "5/hour"),
    # Development runs migrations and the mail worker inside the app; production
    # (an explicit database or SMTP server) runs them as separate commands.
    Variable("FORMS_AUTO_MIGRATE", "AUTO_MIGRATE", flag),
    Variable("FORMS_OUTBOX_THREAD", "OUTBOX_THREAD", flag),
    # Secure cookies follow the site's scheme, not the bind address: a LAN test over
    # plain http (HOST=0.0.0.0 make run) must keep its session cookie.
    Variable("FORMS_COOKIE_SECURE", "SESSION_COOKIE_SECURE", flag),
    Variable("FORMS_PROXY_COUNT", "PROXY_COUNT", int, "0"),
    # json in production (deploy/gunicorn.conf.py and the systemd units set it).
    Variable("FORMS_LOG_FORMAT", "LOG_FORMAT", lowercase, "text"),
    Variable("FORMS_EBOOK_SOURCE_DIR", "EBOOK_SOURCE_DIR"),  # None: content/ebook/
    Variable("FORMS_EBOOK_DIR", "EBOOK_DIR"),  # None: instance/ebook/
    Variable("FORMS_INSTANCE_PATH", "INSTANCE_PATH"),  # None: the repository's instance/
    # None: instance/availability.toml, else the example (forms_service/booking).
    Variable("FORMS_BOOKING_AVAILABILITY", "BOOKING_AVAILABILITY_FILE"),
    # The sales desk (forms_service/desk).
    Variable("FORMS_WEBHOOK_URLS", "WEBHOOK_URLS", comma_list, ""),
    Variable("FORMS_WEBHOOK_SECRET", "WEBHOOK_SECRET"),
    Variable("FORMS_RETENTION_DAYS", "RETENTION_DAYS", int, "30"),
    Variable("FORMS_DESK_LOGIN_LIMIT", "DESK_LOGIN_LIMIT", text, "5/minute;30/hour"),
    Variable("FORMS_DESK_LOCKOUT_ATTEMPTS", "DESK_LOCKOUT_ATTEMPTS", int, "5"),
    Variable("FORMS_DESK_LOCKOUT_MINUTES", "DESK_LOCKOUT_MINUTES", int, "15"),
    Variable("FORMS_DESK_IDLE_MINUTES", "DESK_IDLE_MINUTES", int, "30"),
    Variable("FORMS_DESK_SESSION_HOURS", "DESK_SESSION_HOURS", int, "8"),
    # Deadlines on every outside call (README: Production and scale-out).
    Variable("FORMS_DB_CONNECT_TIMEOUT", "DB_CONNECT_TIMEOUT", int, "2"),
    Variable("FORMS_DB_STATEMENT_TIMEOUT", "DB_STATEMENT_TIMEOUT", float, "4"),
    Variable("FORMS_DB_LOCK_TIMEOUT", "DB_LOCK_TIMEOUT", float, "3"),
    Variable("FORMS_DB_POOL_TIMEOUT", "DB_POOL_TIMEOUT", float, "3"),
    Variable("FORMS_SMTP_CONNECT_TIMEOUT", "SMTP_CONNECT_TIMEOUT", float, "5"),
    Variable("FORMS_SMTP_TIMEOUT", "SMTP_TIMEOUT", float, "15"),
    Variable("FORMS_WEBHOOK_TIMEOUT", "WEBHOOK_TIMEOUT", float, "5"),
    # articles.json of the site build; None: output/articles.json of this repository.
    Variable("FORMS_DESK_ARTICLES_FILE", "DESK_ARTICLES_FILE"),
    # Consultants' calendars (booking/calendars): how long a reading is reused, how old
    # the last good one may be while a calendar cannot be read, and the server timeout.
    Variable("FORMS_CALENDAR_CACHE_SECONDS", "CALENDAR_CACHE_SECONDS", int, "60"),
    Variable("FORMS_CALENDAR_STALE_SECONDS", "CALENDAR_STALE_SECONDS", int, "600"),
    Variable("FORMS_CALENDAR_TIMEOUT", "CALENDAR_TIMEOUT", float, "5"),
    # Readers counted without cookies (forms_service/readers): how long the daily
    # aggregates are kept (the desk shows at most three years), how often each process
    # writes its counts to the database, and (with Redis) how long a view waits in its
    # process before it joins the shared counts; views per visitor key in a window of
    # seconds (more are left out); the largest beacon body in bytes.
    Variable("FORMS_READERS_RETENTION_DAYS", "READERS_RETENTION_DAYS", int, "400"),
    Variable("FORMS_READERS_FLUSH_SECONDS", "READERS_FLUSH_SECONDS", float, "5"),
    Variable("FORMS_READERS_PUSH_SECONDS", "READERS_PUSH_SECONDS", float, "0.1"),
    Variable("FORMS_READERS_RATE_LIMIT", "READERS_RATE_LIMIT", int, "30"),
    Variable("FORMS_READERS_RATE_WINDOW", "READERS_RATE_WINDOW", int, "60"),
    Variable("FORMS_READERS_MAX_BYTES", "READERS_MAX_BYTES", int, "2048"),
)

SERVER_VARIABLES = (
    Variable("FORMS_BIND", "bind", text, "127.0.0.1:8001"),
    Variable("FORMS_WORKERS", "workers", int),  # None: 2 per CPU
    Variable("FORMS_THREADS", "threads", int, "4"),
    # nginx passes /forms/... unchanged; SCRIPT_NAME makes url_for build /forms/... links.
    Variable("FORMS_SCRIPT_NAME", "script_name", text, "/forms"),
)


def from_environment(environ=None):
    """Return the settings the FORMS_* variables of environ (default: os.environ) give."""
    environ = os.environ if environ is None else environ
    settings = {variable.key: variable.read(environ) for variable in VARIABLES}
    derived = {
        "AUTO_MIGRATE": settings["SQLALCHEMY_DATABASE_URI"] is None,
        "OUTBOX_THREAD": settings["SMTP_URL"] is None,
        "SESSION_COOKIE_SECURE": urlsplit(settings["SITE_URL"]).scheme == "https",
    }
    for key, value in derived.items():
        if settings[key] is None:
            settings[key] = value
    return settings


def server_settings(environ=None):
    """Return gunicorn's bind, workers, threads and script_name from environ."""
    environ = os.environ if environ is None else environ
    settings = {variable.key: variable.read(environ) for variable in SERVER_VARIABLES}
    if settings["workers"] is None:
        settings["workers"] = 2 * multiprocessing.cpu_count()
    return settings


DEFAULTS = {
    "FORMS_PREFIX": "/forms",
    # The .po catalogs, one folder per language (forms_service/i18n.py); None: translations/.
    "TRANSLATIONS_SOURCE_DIR": None,
    "MIGRATIONS_DIR": str(PACKAGE_DIR / "migrations"),
    "DEFAULT_LANGUAGE": "sv",
    # Stored with every consent. It must change together with the privacy policy pages'
    # `Policy_version` metadata (content/pages/*/, Translation_key: privacy), in every
    # language; tests/forms/test_consent_version.py fails when they differ.
    "CONSENT_VERSION": "2026-11-01",
    "LINK_MAX_AGE": 7 * 24 * 3600,
    "MIN_FILL_SECONDS": 2.0,
    # A form shown again with the reader's own values (the no-JavaScript confirmation
    # page) only needs a click: a person takes this long, a bot reposting at once does not.
    "MIN_CONFIRM_SECONDS": 0.5,
    "DUPLICATE_WINDOW_SECONDS": 60,
    "OUTBOX_POLL_SECONDS": 5.0,
    "OUTBOX_BATCH": 20,
    "OUTBOX_MAX_ATTEMPTS": 12,
    "OUTBOX_BACKOFF_SECONDS": 30.0,
    "OUTBOX_BACKOFF_MAX_SECONDS": 3600.0,
    "OUTBOX_LEASE_SECONDS": 300,  # per message, from just before its send
    "OUTBOX_CLAIM_SECONDS": 60,  # a claimed batch's messages not yet reached
    # A destination failing this many times in a row is paused for OUTBOX_BREAKER_SECONDS,
    # doubled at each further failure up to the maximum; one message then tries it again.
    "OUTBOX_BREAKER_FAILURES": 3,
    # Threads per lane in each worker: the visitor's mail is the one a person waits for.
    "OUTBOX_THREADS": {"visitor": 4, "staff": 1, "webhook": 2},
    "OUTBOX_BREAKER_SECONDS": 30.0,
    "OUTBOX_BREAKER_MAX_SECONDS": 900.0,
    # PostgreSQL: the client waits this much longer than statement_timeout for an answer,
    # so a slow server cancels the statement itself and only a hung one hits the deadline.
    "DB_DEADLINE_GRACE": 0.5,
    # After a PostgreSQL deadline passes, new connections fail at once for this long.
    "DB_RETRY_SECONDS": 1.0,
    "DB_BUSY_TIMEOUT": 5.0,  # SQLite: how long a writer waits for the lock
    "MAX_CONTENT_LENGTH": 16 * 1024,
    "MAX_FORM_MEMORY_SIZE": 16 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "forms_session",
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": 3600,
    "WTF_CSRF_SSL_STRICT": False,  # Origin/Referer are checked against SITE_URL instead.
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis down: count the limits in each process's memory (and warn) instead of 500s;
    # Flask-Limiter goes back to Redis once it answers again. GET /ready warns meanwhile.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    # A Redis that hangs instead of refusing must fail fast too, or it stalls every signup.
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
    # Redis dying between the check and a conditional deduction (the desk login counts only
    # failures, after the view ran) must not turn the answer into a 500: the deduction is
    # logged and skipped; the login's own lockout in the database still counts.
    "RATELIMIT_SWALLOW_ERRORS": True,
    "SQLALCHEMY_ENGINE_OPTIONS": {},  # idle PostgreSQL connections are pinged: db.py
    "DESK_PAGE_SIZE": 50,
    "DESK_SOURCES_SECONDS": 60,  # how long the source filter's list of pages is reused
    "DIGEST_UPCOMING_DAYS": 7,
    # A callable returning the current aware UTC time for the calendar cache (tests).
    "CALENDAR_CLOCK": None,
    # Meeting booking (forms_service/booking): a link is good for rescheduling until the
    # last meeting of the horizon has passed.
    "BOOKING_LINK_MAX_AGE": 60 * 24 * 3600,
    # A callable returning the current aware UTC time (tests); None means the real clock.
    "BOOKING_CLOCK": None,
}
