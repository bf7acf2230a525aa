"""Health checks: liveness (/health) and readiness (/ready) for the proxy and systemd."""

import socket
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .db import db, deadline
from .models import OutboxMessage

bp = Blueprint("health", __name__)
# A probe must answer before the proxy's or systemd's own check gives up on it.
DATABASE_DEADLINE_SECONDS = 1.5


def _outbox_pending():
    """Mail waiting in the outbox, or None when the database does not answer."""
    try:
        with deadline(DATABASE_DEADLINE_SECONDS):
            return db.session.scalar(
                select(func.count()).select_from(OutboxMessage)
                .where(OutboxMessage.status.in_(("pending", "sending"))))
    except SQLAlchemyError:
        # Reported, not raised: a health check must answer even when the database does not.
        db.session.rollback()
        return None


def _answer(body, status):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/health")
def health():
    """Answer 200 when the database works, 503 when it does not."""
    pending = _outbox_pending()
    if pending is None:
        return _answer({"ok": False, "database": "unavailable"}, 503)
    return _answer({"ok": True, "database": "ok", "outbox_pending": pending}, 200)


def smtp_problem():
    """Why the SMTP server cannot be reached (None when it greets us, or mail goes to files)."""
    url = current_app.config["SMTP_URL"]
    if not url:
        return None
    parts = urlsplit(url)
    port = parts.port or (465 if parts.scheme == "smtps" else 587)
    try:
        # A connection (and on smtp:// the greeting) is enough: the worker does TLS and login.
        with socket.create_connection((parts.hostname or "localhost", port), timeout=2) as sock:
            greeting = sock.recv(512) if parts.scheme == "smtp" else b"220"
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    if not greeting.startswith(b"220"):
        return f"unexpected greeting {greeting[:60]!r}"
    return None


# The Redis URL schemes of the limits library, and how redis-py spells them.
REDIS_SCHEMES = {"redis": "redis", "rediss": "rediss", "redis+unix": "unix"}


def limits_redis_url():
    """The Redis the rate limits are kept in, as redis-py spells it; None without one."""
    scheme, _, rest = (current_app.config["RATELIMIT_STORAGE_URI"] or "").partition("://")
    if not current_app.config["RATELIMIT_ENABLED"] or scheme not in REDIS_SCHEMES:
        return None
    return f"{REDIS_SCHEMES[scheme]}://{rest}"


def redis_problem(url):
    """Why the Redis at url does not answer a PING (None when it does)."""
    import redis

    # A client of its own with short timeouts: the probe must answer even when Redis hangs.
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        client.close()
    return None


CALENDAR_WARNINGS = {
    "stale": "its last reading is used",
    "closed": "its slots are not offered",
    "unknown": "the calendars' states cannot be read",
}


def _calendar_states():
    """Each consultant calendar's state and last reading (booking/calendars), or []."""
    from .booking.calendars import states

    availability = current_app.extensions.get("booking_availability")
    if availability is None:
        return []
    try:
        found = states(availability)
    except SQLAlchemyError:
        # Reported, not raised, like the outbox count: e.g. before migration 0007 ran.
        db.session.rollback()
        return [{"state": "unknown", "consultant": "*", "error": "calendar_cache unreadable"}]
    return [{**item, "read_at": item["read_at"] and item["read_at"].isoformat(),
             "tried_at": item["tried_at"] and item["tried_at"].isoformat()}
            for item in found]


@bp.get("/ready")
def ready():
    """Ready for traffic: 503 without the database; SMTP or Redis down is only a warning."""
    pending = _outbox_pending()
    if pending is None:
        return _answer({"ok": False, "database": "unavailable"}, 503)
    body = {"ok": True, "database": "ok", "outbox_pending": pending}
    warnings = []
    problem = smtp_problem()
    if problem:
        body["smtp"] = "unreachable"
        warnings.append(f"SMTP unreachable ({problem}); mail waits in the outbox")
    else:
        body["smtp"] = "ok" if current_app.config["SMTP_URL"] else "files"
    redis_url = limits_redis_url()
    problem = redis_url and redis_problem(redis_url)
    if problem:
        # Flask-Limiter falls back to memory (config.DEFAULTS): the limits still hold, but
        # each process counts on its own until Redis answers again.
        body["redis"] = "unreachable"
        warnings.append(f"Redis unreachable ({problem}); rate limits are counted per process")
    elif redis_url:
        body["redis"] = "ok"
    calendars = _calendar_states()
    if calendars:
        body["calendars"] = calendars
        for item in calendars:
            if item["state"] in CALENDAR_WARNINGS:
                warnings.append(f"calendar of {item['consultant']} unreadable ({item['error']}); "
                                + CALENDAR_WARNINGS[item["state"]])
    if warnings:
        body["warning"] = "; ".join(warnings)
    return _answer(body, 200)
