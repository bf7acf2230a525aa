"""Outbox lanes and circuit breakers: a hung webhook receiver delays no visitor's mail."""

import threading
import time
from datetime import timedelta

from bs4 import BeautifulSoup
from desk_helpers import add_deliveries, staff_client
from forms_helpers import Signup, make_app, wait_for
from sqlalchemy import select, update
from webhook_receiver import SECRET, Receiver

from forms_service.db import db
from forms_service.models import OutboxDestination, OutboxMessage, utcnow
from forms_service.outbox import process_outbox, run_worker


def webhook_app(tmp_path, ebook_source, smtp_port, hook_url, **overrides):
    return make_app(tmp_path, ebook_source, SMTP_URL=f"smtp://127.0.0.1:{smtp_port}?tls=none",
                    WEBHOOK_URLS=[hook_url], WEBHOOK_SECRET=SECRET, **overrides)


def test_visitor_mail_does_not_wait_behind_a_hung_webhook(tmp_path, ebook_source, smtp_server,
                                                          freeze_proxy, closing):
    handler, smtp_port, _, _ = smtp_server
    with Receiver([]) as crm:
        proxy = freeze_proxy(crm.server.server_port)
        proxy.freeze()  # the CRM accepts connections and never answers
        app = closing(webhook_app(tmp_path, ebook_source, smtp_port,
                                  f"http://127.0.0.1:{proxy.port}/crm/hook",
                                  WEBHOOK_TIMEOUT=60.0, OUTBOX_POLL_SECONDS=0.2))
        signup = Signup(app.test_client())
        stop = threading.Event()
        worker = threading.Thread(target=run_worker, args=(app, stop))
        worker.start()
        try:
            assert signup.json(email="first@example.com").status_code == 200
            # The webhook lane is now stuck in its POST for up to a minute.
            assert wait_for(lambda: proxy_has_a_connection(app), timeout=5)
            queued = time.monotonic()
            assert signup.json(email="second@example.com").status_code == 200
            assert wait_for(lambda: len(handler.messages) == 2, timeout=5)
            assert time.monotonic() - queued < 5
            assert sorted(m["To"] for m in handler.messages) == [
                "first@example.com", "second@example.com"]
        finally:
            stop.set()
            proxy.thaw()  # the held POSTs reach the CRM and the lane finishes
            worker.join(30)
        assert not worker.is_alive()
        assert wait_for(lambda: len(crm.requests) >= 1, timeout=5)


def proxy_has_a_connection(app):
    """Whether the webhook lane has claimed its message (and is sending it)."""
    with app.app_context():
        return db.session.scalar(select(OutboxMessage.status).where(
            OutboxMessage.kind == "webhook")) == "sending"


def test_a_hanging_receiver_is_paused_and_the_desk_shows_it(tmp_path, ebook_source,
                                                             smtp_server, freeze_proxy, closing):
    _, smtp_port, _, _ = smtp_server
    with Receiver([]) as crm:
        proxy = freeze_proxy(crm.server.server_port)
        url = f"http://127.0.0.1:{proxy.port}/crm/hook"
        app = closing(webhook_app(tmp_path, ebook_source, smtp_port, url, WEBHOOK_TIMEOUT=0.5,
                                  OUTBOX_BREAKER_FAILURES=2, OUTBOX_BREAKER_SECONDS=60.0))
        add_deliveries(app, ["pending"] * 5, url=url)
        proxy.freeze()
        began = time.monotonic()
        with app.test_request_context():
            assert process_outbox(lane="webhook") == (0, 2)  # then paused: no more waiting
        assert time.monotonic() - began < 3
        with app.app_context():
            attempts = sorted(db.session.scalars(select(OutboxMessage.attempts)))
            assert attempts == [0, 0, 0, 1, 1]  # the paused ones keep all their attempts
            state = db.session.get(OutboxDestination, url)
            assert state.failures == 2
            assert timedelta(seconds=55) < state.open_until - utcnow() <= timedelta(seconds=60)
            waiting = db.session.scalars(select(OutboxMessage.next_attempt_at).where(
                OutboxMessage.attempts == 0)).all()
            assert all(when == state.open_until for when in waiting)
        desk = staff_client(app)
        assert receiver_state(desk, url).startswith("Pausad (misslyckade försök i rad: 2) till")

        # The pause ends, the CRM answers again: one message tries it, then all go.
        proxy.thaw()
        with app.app_context():
            db.session.execute(update(OutboxDestination).values(open_until=utcnow()))
            db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
            db.session.commit()
        with app.test_request_context():
            assert process_outbox(lane="webhook") == (5, 0)
        # The two POSTs the hung CRM held reached it late and were sent again: a receiver
        # tells repeats apart by X-Normkraft-Delivery (at-least-once delivery).
        deliveries = [r["headers"]["X-Normkraft-Delivery"] for r in crm.requests]
        assert len(set(deliveries)) == 5 and len(deliveries) == 7
        assert receiver_state(desk, url) == "Fungerar"


def test_a_failing_receiver_pauses_for_longer_each_time(tmp_path, ebook_source, smtp_server,
                                                        closing):
    _, smtp_port, _, _ = smtp_server
    with Receiver([500] * 10) as crm:
        app = closing(webhook_app(tmp_path, ebook_source, smtp_port, crm.url,
                                  OUTBOX_BREAKER_FAILURES=1, OUTBOX_BREAKER_SECONDS=10.0,
                                  OUTBOX_BREAKER_MAX_SECONDS=30.0))
        pauses = []
        add_deliveries(app, ["pending"], url=crm.url)
        for _ in range(4):
            with app.test_request_context():
                assert process_outbox(lane="webhook") == (0, 1)
            with app.app_context():
                state = db.session.get(OutboxDestination, crm.url)
                pauses.append(round((state.open_until - state.last_failure_at).total_seconds()))
                db.session.execute(update(OutboxDestination).values(open_until=utcnow()))
                db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
                db.session.commit()
        assert pauses == [10, 20, 30, 30]


def receiver_state(client, url):
    html = client.get("/admin/deliveries").get_data(as_text=True)
    table = BeautifulSoup(html, "html.parser").select_one("table.desk-receivers")
    for row in table.select("tbody tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
        if cells[0] == url:
            return cells[1]
    raise AssertionError(f"{url} is not on the desk's webhook page")
