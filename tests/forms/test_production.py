"""Production set-up, short versions of `make drill`: worker processes, shared limits, gunicorn.

The threaded variant of "parallel workers send each mail once" is in test_outbox.py; here the
workers are real `flask outbox run` processes, as systemd runs them.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from forms_helpers import ROOT, SITE, Signup, SMTPCollector, make_app, wait_for
from site_helpers import free_port
from sqlalchemy import select

from forms_service.config import from_environment
from forms_service.db import db
from forms_service.models import OutboxMessage

FLASK = str(Path(sys.executable).with_name("flask"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def service_env(tmp_path, ebook_source, **variables):
    """The environment of a service process: FORMS_* settings, files under tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
    env.update(FORMS_INSTANCE_PATH=str(tmp_path / "instance"), FORMS_SECRET_KEY="test-secret",
               FORMS_SITE_URL=SITE, FORMS_EBOOK_SOURCE_DIR=str(ebook_source),
               FORMS_EBOOK_DIR=str(tmp_path / "private-ebook"), FORMS_LOG_FORMAT="json",
               FORMS_AUTO_MIGRATE="false", FORMS_OUTBOX_THREAD="false")
    env.update(variables)
    return env


def start_worker(env, **config):
    """`flask outbox run` in its own process: env's settings and config, passed to create_app.

    A config given to create_app replaces the environment, so env is read here.
    """
    app = f"forms_service:create_app({ {**from_environment(env), **config}!r})"
    return subprocess.Popen([FLASK, "--app", app, "outbox", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
    return process.wait(30)


def statuses(app):
    with app.app_context():
        db.session.remove()
        return db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()


@pytest.mark.postgres
def test_two_worker_processes_send_each_mail_once(pg_app, postgres_url, smtp_server, tmp_path,
                                                  ebook_source):
    handler, port, _, _ = smtp_server
    signup = Signup(pg_app.test_client())
    addresses = [f"reader{n}@example.com" for n in range(30)]
    for address in addresses:
        assert signup.json(email=address).status_code == 200
    env = service_env(tmp_path, ebook_source, FORMS_DATABASE_URL=postgres_url,
                      FORMS_SMTP_URL=f"smtp://127.0.0.1:{port}?tls=none")
    # Small batches, so both workers keep claiming from the same queue at once.
    workers = [start_worker(env, OUTBOX_BATCH=2, OUTBOX_POLL_SECONDS=0.2) for _ in range(2)]
    try:
        assert wait_for(lambda: len(handler.messages) >= 30, timeout=60)
        time.sleep(1)  # a second copy of any mail would arrive now
    finally:
        codes = [stop(worker) for worker in workers]
    assert codes == [0, 0]  # SIGTERM is a clean stop
    assert sorted(m["To"] for m in handler.messages) == sorted(addresses)
    assert statuses(pg_app) == [("sent", 1)] * 30


class StallingCollector(SMTPCollector):
    """Holds every message before accepting it while `stall` is set."""

    def __init__(self):
        super().__init__()
        self.stall = threading.Event()
        self.stalled = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        while self.stall.is_set():
            self.stalled.set()
            # If the client dies meanwhile, aiosmtpd cancels this coroutine: nothing accepted.
            await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.postgres
def test_worker_killed_mid_send_loses_nothing(pg_app, postgres_url, tmp_path, ebook_source,
                                              smtp_servers):
    handler = StallingCollector()
    handler.stall.set()
    port = smtp_servers.start(handler)
    Signup(pg_app.test_client()).json(email="kept@example.com")
    env = service_env(tmp_path, ebook_source, FORMS_DATABASE_URL=postgres_url,
                      FORMS_SMTP_URL=f"smtp://127.0.0.1:{port}?tls=none")
    config = {"OUTBOX_LEASE_SECONDS": 2, "OUTBOX_POLL_SECONDS": 0.2}
    first = start_worker(env, **config)
    second = None
    try:
        assert handler.stalled.wait(30), "the first worker never started sending"
        assert stop(first, signal.SIGKILL) == -signal.SIGKILL
        assert statuses(pg_app) == [("sending", 0)]  # claimed, never finished
        handler.stall.clear()
        second = start_worker(env, **config)
        assert wait_for(lambda: len(handler.messages) == 1, timeout=30)
        time.sleep(1)
    finally:
        for worker in (first, second):
            if worker is not None:
                stop(worker)
        smtp_servers.stop(port)
    assert [m["To"] for m in handler.messages] == ["kept@example.com"]
    assert statuses(pg_app) == [("sent", 1)]


@pytest.mark.redis
def test_rate_limit_is_shared_by_instances_through_redis(tmp_path, ebook_source, redis_url,
                                                          closing):
    limits = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_url,
              "RATELIMIT_PER_IP": "5/minute", "RATELIMIT_PER_EMAIL": "100/minute"}
    apps = [closing(make_app(tmp_path / name, ebook_source, **limits)) for name in ("one", "two")]
    clients = [Signup(app.test_client()) for app in apps]
    codes = [clients[n % 2].json(email=f"r{n}@example.com").status_code for n in range(8)]
    assert codes == [200] * 5 + [429] * 3


def test_gunicorn_config_serves_under_forms_with_json_logs(tmp_path, ebook_source):
    port = free_port()
    env = service_env(tmp_path, ebook_source, FORMS_BIND=f"127.0.0.1:{port}", FORMS_WORKERS="1",
                      FORMS_PROXY_COUNT="1", FORMS_AUTO_MIGRATE="true")
    env.pop("FORMS_LOG_FORMAT")  # JSON is the gunicorn default
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen([GUNICORN, "-c", "deploy/gunicorn.conf.py"], cwd=ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        import http.client

        def ask():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/forms/ready", headers={
                    "X-Request-ID": "req-from-nginx-0001", "X-Forwarded-For": "203.0.113.7"})
                response = conn.getresponse()
                return response.status, response.getheader("X-Request-ID"), response.read()
            except OSError:
                return None
            finally:
                conn.close()

        assert wait_for(lambda: ask() is not None, timeout=30)
        status, request_id, body = ask()
        assert (status, request_id) == (200, "req-from-nginx-0001")
        assert json.loads(body)["database"] == "ok"
    finally:
        assert stop(server) == 0
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    (request,) = [line for line in lines if line.get("request_id") == "req-from-nginx-0001"][-1:]
    assert (request["path"], request["status"]) == ("/forms/ready", 200)
    assert request["remote_addr"] == "203.0.113.7"  # the client nginx saw (ProxyFix)
    assert any(line["logger"] == "gunicorn.error" for line in lines)


@pytest.mark.postgres
def test_worker_recovers_when_its_database_connections_are_cut(pg_app, postgres_url, smtp_server,
                                                               tmp_path, ebook_source):
    # What a PostgreSQL restart does to a running worker (make drill restarts the server).
    import sqlalchemy

    handler, port, _, _ = smtp_server
    signup = Signup(pg_app.test_client())
    env = service_env(tmp_path, ebook_source, FORMS_DATABASE_URL=postgres_url,
                      FORMS_SMTP_URL=f"smtp://127.0.0.1:{port}?tls=none")
    worker = start_worker(env, OUTBOX_POLL_SECONDS=0.2)
    engine = sqlalchemy.create_engine(postgres_url)
    try:
        signup.json(email="before@example.com")
        assert wait_for(lambda: len(handler.messages) == 1, timeout=30)
        with engine.begin() as conn:
            cut = conn.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar()
        assert cut >= 1
        time.sleep(1)  # the worker meets the cut connection on its next pass
        Signup(pg_app.test_client()).json(email="after@example.com")
        assert wait_for(lambda: len(handler.messages) == 2, timeout=30)
    finally:
        stop(worker)
        engine.dispose()
    assert [m["To"] for m in handler.messages] == ["before@example.com", "after@example.com"]
