"""Redis down: the rate limits fall back to each process's memory instead of answering 500."""

import logging
import socket
import time

import pytest
from desk_helpers import staff_client
from forms_helpers import Signup
from site_helpers import free_port
from sqlalchemy import select

from forms_service.db import db
from forms_service.models import Lead


@pytest.fixture
def redis_down_app(build_app):
    """Limits on, stored in a Redis nobody listens for (FORMS_RATELIMIT_STORAGE_URL)."""
    # TESTING off: an error in the limiter is answered 500, as in production.
    app = build_app(TESTING=False, RATELIMIT_ENABLED=True,
                    RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                    RATELIMIT_PER_IP="10/minute", RATELIMIT_PER_EMAIL="2/minute")
    return app


def test_signups_are_stored_and_still_limited_while_redis_is_down(redis_down_app, caplog):
    signup = Signup(redis_down_app.test_client())
    with caplog.at_level(logging.WARNING, logger="forms_service"):
        codes = [signup.json(email="same@example.com").status_code for _ in range(3)]
    # The per-address limit (2/minute) holds, counted in this process's memory.
    assert codes == [200, 200, 429]
    with redis_down_app.app_context():
        assert db.session.scalars(select(Lead.email)).all() == ["same@example.com"]
    warnings = [r for r in caplog.records
                if r.name == "forms_service.limits" and r.levelno == logging.WARNING]
    assert warnings and "in-memory" in warnings[0].getMessage()


def test_desk_login_works_while_redis_is_down(redis_down_app):
    client = staff_client(redis_down_app)  # asserts the 303 of a successful login
    assert client.get("/admin/leads").status_code == 200


def test_ready_warns_when_the_limits_redis_is_down(redis_down_app):
    response = redis_down_app.test_client().get("/ready")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["ok"], body["database"], body["smtp"], body["redis"]) == (
        True, "ok", "files", "unreachable")
    assert body["warning"].startswith("Redis unreachable (")
    assert body["warning"].endswith("rate limits are counted per process")


@pytest.mark.redis
def test_ready_reports_the_limits_redis(redis_url, build_app):
    app = build_app(RATELIMIT_ENABLED=True,
                    RATELIMIT_STORAGE_URI=redis_url)
    body = app.test_client().get("/ready").get_json()
    assert (body["redis"], "warning" in body) == ("ok", False)


def test_a_redis_that_hangs_does_not_stall_the_signup(build_app):
    # A server that accepts connections and never answers: without socket timeouts the
    # limiter would wait on it for as long as the operating system lets it.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        app = build_app(TESTING=False, RATELIMIT_ENABLED=True,
                        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        response = Signup(app.test_client()).json(email="slow@example.com")
        waited = time.monotonic() - started
        with app.app_context():
            stored = db.session.scalars(select(Lead.email)).all()
    assert response.status_code == 200
    assert stored == ["slow@example.com"]
    assert waited < 10, f"the signup waited {waited:.1f} s on a silent Redis"
