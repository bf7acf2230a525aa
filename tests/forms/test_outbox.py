"""The outbox worker: real SMTP delivery, retries when SMTP is down, no double sends."""

import threading

from forms_helpers import SITE, pending_mail, wait_for
from sqlalchemy import select

from forms_service.db import db
from forms_service.models import OutboxMessage
from forms_service.outbox import backoff


def smtp_app(app, port):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?tls=none"
    return app


def test_mail_is_delivered_over_smtp_in_the_readers_language(app, signup, smtp_server):
    handler, port, _, _ = smtp_server
    smtp_app(app, port)
    signup.json(lang="sv", name="Åsa Öberg", email="asa@example.com")
    assert pending_mail(app) == (1, 0)
    (msg,) = handler.messages
    assert msg["To"] == "asa@example.com"
    assert msg["Subject"] == "Din e-bok från Normkraft"
    assert msg["Reply-To"] == "support@normkraft.se"
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("Hej Åsa Öberg!")
    assert f"{SITE}/forms/ebook/download/" in body
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.attempts) == ("sent", 1)
    assert pending_mail(app) == (0, 0)  # sent once only


def test_smtp_down_then_back(app, signup, smtp_server):
    handler, port, start, stop = smtp_server
    smtp_app(app, port)
    stop()
    response = signup.json()
    assert response.status_code == 200  # the reader still gets the thank-you message
    assert pending_mail(app) == (0, 1)
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.attempts) == ("pending", 1)
        assert "ConnectionRefusedError" in row.last_error
    start()
    assert pending_mail(app) == (1, 0)
    assert len(handler.messages) == 1


def test_backoff_grows_and_is_capped(sqlite_app):
    sqlite_app.config.update(OUTBOX_BACKOFF_SECONDS=30, OUTBOX_BACKOFF_MAX_SECONDS=3600)
    with sqlite_app.app_context():
        assert [backoff(n) for n in (1, 2, 3, 10)] == [30, 60, 120, 3600]


def test_failing_message_waits_for_its_backoff(app, signup, smtp_server):
    _, port, _, stop = smtp_server
    smtp_app(app, port).config["OUTBOX_BACKOFF_SECONDS"] = 600
    stop()
    signup.json()
    assert pending_mail(app) == (0, 1)
    assert pending_mail(app) == (0, 0)  # not due yet


def test_gives_up_after_max_attempts(app, signup, smtp_server):
    _, port, _, stop = smtp_server
    smtp_app(app, port).config["OUTBOX_MAX_ATTEMPTS"] = 2
    stop()
    signup.json()
    pending_mail(app)
    pending_mail(app)
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.status)).one() == "failed"


def test_parallel_workers_send_each_mail_once(app, client, smtp_server):
    handler, port, _, _ = smtp_server
    smtp_app(app, port)
    from forms_helpers import Signup

    signup = Signup(client)
    for n in range(12):
        signup.json(email=f"reader{n}@example.com")
    app.config["OUTBOX_BATCH"] = 2
    results = []

    def work():
        total = 0
        while True:
            sent, failed = pending_mail(app)
            total += sent
            if not sent and not failed:
                break
        results.append(total)

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sum(results) == 12
    assert sorted(m["To"] for m in handler.messages) == sorted(
        f"reader{n}@example.com" for n in range(12))


def test_background_thread_sends_without_being_asked(smtp_server, build_app):
    from forms_helpers import Signup

    handler, port, _, _ = smtp_server
    app = build_app(OUTBOX_THREAD=True, OUTBOX_POLL_SECONDS=0.2,
                    SMTP_URL=f"smtp://127.0.0.1:{port}?tls=none")
    try:
        Signup(app.test_client()).json()
        assert wait_for(lambda: len(handler.messages) == 1)
    finally:
        app.extensions["forms_outbox_thread"].stop()
