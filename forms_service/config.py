"""Configuration read from FORMS_* environment variables, with embedded defaults."""

import os
from urllib.parse import urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _flag(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def _float(name, default):
    value = os.environ.get(name)
    return float(value) if value else default


def _list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def database_url(url):
    """Use psycopg 3 for plain postgresql:// URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url and url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment():
    """Return the settings taken from the environment; unset values get their default."""
    site_url = os.environ.get("FORMS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    smtp_url = os.environ.get("FORMS_SMTP_URL") or None
    database = database_url(os.environ.get("FORMS_DATABASE_URL") or None)
    https = urlsplit(site_url).scheme == "https"
    return {
        # None means: the embedded defaults (SQLite and a key file in instance/).
        "SQLALCHEMY_DATABASE_URI": database,
        "SECRET_KEY": os.environ.get("FORMS_SECRET_KEY") or None,
        "SMTP_URL": smtp_url,
        "MAIL_FROM": os.environ.get("FORMS_MAIL_FROM", "Normkraft <no-reply@normkraft.se>"),
        "SUPPORT_EMAIL": os.environ.get("FORMS_SUPPORT_EMAIL", "support@normkraft.se"),
        "SALES_EMAIL": os.environ.get("FORMS_SALES_EMAIL", "sales@normkraft.se"),
        "SITE_URL": site_url,
        "RATELIMIT_STORAGE_URI": os.environ.get("FORMS_RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_ENABLED": _flag("FORMS_RATELIMIT_ENABLED", True),
        "RATELIMIT_PER_IP": os.environ.get("FORMS_RATELIMIT_PER_IP", "10/minute;60/hour"),
        "RATELIMIT_PER_EMAIL": os.environ.get("FORMS_RATELIMIT_PER_EMAIL", "5/hour"),
        # Development runs migrations and the mail worker inside the app; production
        # (an explicit database or SMTP server) runs them as separate commands.
        "AUTO_MIGRATE": _flag("FORMS_AUTO_MIGRATE", database is None),
        "OUTBOX_THREAD": _flag("FORMS_OUTBOX_THREAD", smtp_url is None),
        # Secure cookies follow the site's scheme, not the bind address: a LAN test over
        # plain http (HOST=0.0.0.0 make run) must keep its session cookie.
        "SESSION_COOKIE_SECURE": _flag("FORMS_COOKIE_SECURE", https),
        "PROXY_COUNT": _int("FORMS_PROXY_COUNT", 0),
        # json in production (deploy/gunicorn.conf.py and the systemd units set it).
        "LOG_FORMAT": os.environ.get("FORMS_LOG_FORMAT", "text").strip().lower(),
        "EBOOK_SOURCE_DIR": os.environ.get("FORMS_EBOOK_SOURCE_DIR") or None,
        "EBOOK_DIR": os.environ.get("FORMS_EBOOK_DIR") or None,
        # The sales desk (forms_service/desk).
        "WEBHOOK_URLS": _list("FORMS_WEBHOOK_URLS"),
        "WEBHOOK_SECRET": os.environ.get("FORMS_WEBHOOK_SECRET") or None,
        "RETENTION_DAYS": _int("FORMS_RETENTION_DAYS", 30),
        "DESK_LOGIN_LIMIT": os.environ.get("FORMS_DESK_LOGIN_LIMIT", "5/minute;30/hour"),
        "DESK_LOCKOUT_ATTEMPTS": _int("FORMS_DESK_LOCKOUT_ATTEMPTS", 5),
        "DESK_LOCKOUT_MINUTES": _int("FORMS_DESK_LOCKOUT_MINUTES", 15),
        "DESK_IDLE_MINUTES": _int("FORMS_DESK_IDLE_MINUTES", 30),
        "DESK_SESSION_HOURS": _int("FORMS_DESK_SESSION_HOURS", 8),
        # Deadlines on every outside call (README: Production and scale-out).
        "DB_CONNECT_TIMEOUT": _int("FORMS_DB_CONNECT_TIMEOUT", 2),
        "DB_STATEMENT_TIMEOUT": _float("FORMS_DB_STATEMENT_TIMEOUT", 4.0),
        "DB_LOCK_TIMEOUT": _float("FORMS_DB_LOCK_TIMEOUT", 3.0),
        "DB_POOL_TIMEOUT": _float("FORMS_DB_POOL_TIMEOUT", 3.0),
        "SMTP_CONNECT_TIMEOUT": _float("FORMS_SMTP_CONNECT_TIMEOUT", 5.0),
        "SMTP_TIMEOUT": _float("FORMS_SMTP_TIMEOUT", 15.0),
        "WEBHOOK_TIMEOUT": _float("FORMS_WEBHOOK_TIMEOUT", 5.0),
        # articles.json of the site build; None: output/articles.json of this repository.
        "DESK_ARTICLES_FILE": os.environ.get("FORMS_DESK_ARTICLES_FILE") or None,
        # Consultants' calendars (booking/calendars): how long a reading is reused, how old
        # the last good one may be while a calendar cannot be read, and the server timeout.
        "CALENDAR_CACHE_SECONDS": _int("FORMS_CALENDAR_CACHE_SECONDS", 60),
        "CALENDAR_STALE_SECONDS": _int("FORMS_CALENDAR_STALE_SECONDS", 600),
        "CALENDAR_TIMEOUT": _float("FORMS_CALENDAR_TIMEOUT", 5.0),
    }


DEFAULTS = {
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
}
