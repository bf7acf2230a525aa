"""The outbox worker: passes over the due messages, in one thread per lane or more.

Messages travel in lanes, each served by its own threads: the visitor's mail (the e-book
link, booking confirmations and changes) never waits behind a webhook receiver that hangs,
sales notifications or the digest. In development OutboxThread runs the worker inside the
web process; in production `flask outbox run` (commands.py) does.
"""

import logging
import threading

from ..db import db
from .breaker import Breaker
from .queue import (
    LANES,
    claim_batch,
    defer,
    deliverer,
    record_failure,
    record_sent,
    renew_lease,
    wake_worker,
    wakeup,
)

log = logging.getLogger(__name__)


def process_outbox(limit=None, stop=None, lane=None):
    """Deliver every due message once (until stop is set); return (sent, failed) counts.

    lane: only that lane's kinds (the worker's threads); None: every kind.
    """
    sent = failed = 0
    breakers = {}  # destination -> its Breaker, for this batch
    batch = claim_batch(limit, lane)
    # Read before the first commit expires the objects (and reloads another worker's token).
    claims = [(message, message.id, message.claim_token) for message in batch]
    for message, message_id, token in claims:
        # Left unsent on stop, a message keeps its lease and is picked up again afterwards.
        if (stop is not None and stop.is_set()) or not renew_lease(message_id, token):
            continue
        deliver, _, destination = deliverer(message.kind)
        key = destination(message)
        if key not in breakers:
            breakers[key] = Breaker(key)
        breaker = breakers[key]
        paused_until = breaker.open_until()
        if paused_until is not None:
            defer(message, paused_until)
            continue
        try:
            deliver(message)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later, and logged
            failed += 1
            breaker.failed(f"{type(exc).__name__}: {exc}")
            record_failure(message, exc, log)
        else:
            sent += 1
            breaker.succeeded()
            record_sent(message, message_id, token)
    return sent, failed


def run_worker(app, stop, poll=None, lanes=LANES):
    """Process the outbox until stop is set: each lane in its own threads (OUTBOX_THREADS)."""
    counts = app.config["OUTBOX_THREADS"]
    threads = [threading.Thread(target=run_lane, args=(app, stop, lane, poll),
                                name=f"forms-outbox-{lane}-{n}", daemon=True)
               for lane in lanes for n in range(counts.get(lane, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.5)  # wakes for signals (Ctrl-C) in the main thread


def run_lane(app, stop, lane, poll=None):
    """Deliver lane's messages until stop is set; wake early when a signup queues mail."""
    poll = poll if poll is not None else app.config["OUTBOX_POLL_SECONDS"]
    event = wakeup(lane)
    while not stop.is_set():
        busy = False
        # The request context gives url_for the site's scheme, host and /forms prefix;
        # each lane's own context gives it its own database session.
        with app.test_request_context(base_url=forms_base_url(app)):
            try:
                busy = any(process_outbox(stop=stop, lane=lane))
            except Exception:  # noqa: BLE001 - e.g. the database is down: keep the worker alive
                log.exception("forms outbox: %s lane pass failed", lane)
                # Else the broken transaction fails every later pass.
                db.session.rollback()
        if busy:
            continue  # more may be due right away: a backlog drains at full speed
        event.wait(poll)
        event.clear()


def forms_base_url(app):
    """The address the service's links start with (the site's origin and /forms)."""
    return app.config["SITE_URL"] + app.config["FORMS_PREFIX"]


class OutboxThread:
    """The development worker: a daemon thread inside the web process."""

    def __init__(self, app):
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=run_worker, args=(app, self.stop_event),
                                       name="forms-outbox", daemon=True)

    def start(self):
        self.thread.start()

    def stop(self, timeout=5):
        self.stop_event.set()
        wake_worker()
        self.thread.join(timeout)
