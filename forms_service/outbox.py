"""The mail outbox: a worker claims due messages, sends them, retries with backoff.

Messages travel in lanes, each served by its own thread of the worker: the visitor's mail
(the e-book link, booking confirmations and changes) never waits behind a webhook
receiver that hangs, sales notifications or the digest. Each destination (the SMTP
server, each webhook URL) has a circuit breaker: after a few failures in a row it is
paused, for longer each time, and its messages wait without using up their attempts.
"""

import logging
import signal
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from .db import db
from .models import Lead, OutboxDestination, OutboxMessage, utcnow

log = logging.getLogger(__name__)

VISITOR, STAFF, WEBHOOK = "visitor", "staff", "webhook"
LANES = (VISITOR, STAFF, WEBHOOK)
SMTP_DESTINATION = "smtp"
_wakeups = {lane: threading.Event() for lane in LANES}


class Undeliverable(Exception):
    """Raised by a deliverer when no later attempt can succeed: the message fails at once."""


def wake_worker():
    """Tell an in-process worker thread that new mail is waiting."""
    for event in _wakeups.values():
        event.set()


def lane_kinds(lane):
    """The message kinds travelling in lane."""
    return sorted(kind for kind, (_, kind_lane, _) in _deliverers.items() if kind_lane == lane)


def claim_batch(limit=None, lane=None):
    """Claim due messages for this worker; return them (already committed as 'sending').

    One UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) claims the rows,
    so parallel workers never get the same message. SQLite ignores the locking
    clause but runs the statement under its single-writer lock, which is enough.
    A claim is a lease: if the worker dies, the row becomes due again afterwards.
    """
    config = current_app.config
    now = utcnow()
    token = uuid.uuid4().hex
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status.in_(("pending", "sending")),
               OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit or config["OUTBOX_BATCH"])
        .with_for_update(skip_locked=True)
    )
    if lane is not None:
        due = due.where(OutboxMessage.kind.in_(lane_kinds(lane)))
    # A claim only has to last until the message's turn in the batch, when _renew_lease
    # extends it for the send: a worker that dies or loses the database meanwhile leaves
    # the rest of its batch to the others soon. A claim that ran out is safe: another
    # worker's claim changes the token, and this worker's renewal then fails.
    claim = min(config["OUTBOX_CLAIM_SECONDS"], config["OUTBOX_LEASE_SECONDS"])
    lease_end = now + timedelta(seconds=claim)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due))
        .values(status="sending", claim_token=token, next_attempt_at=lease_end)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)
    ))


def backoff(attempts):
    """Seconds to wait before attempt number attempts + 1."""
    config = current_app.config
    return min(config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (attempts - 1),
               config["OUTBOX_BACKOFF_MAX_SECONDS"])


def _send_ebook(message):
    from .mailer import build_ebook_mail, send
    from .tokens import download_token

    lead = db.session.get(Lead, message.lead_id)
    link = url_for("ebook.download", token=download_token(lead.id, message.language),
                   _external=True)
    send(build_ebook_mail(lead, message.language, link))


def _smtp(message):
    return SMTP_DESTINATION


# kind -> (deliver(message), lane, destination(message)); deliver raises to have the
# message retried; destination names the server it goes to (one circuit breaker each).
_deliverers = {"ebook": (_send_ebook, VISITOR, _smtp)}


def register_kind(kind, deliver, lane=STAFF, destination=_smtp):
    """Let a feature deliver its own outbox messages (webhooks, digests, ...)."""
    if lane not in LANES:
        raise ValueError(f"outbox: unknown lane {lane!r}")
    _deliverers[kind] = (deliver, lane, destination)


class Breaker:
    """The circuit breaker of one destination, kept in outbox_destinations (all workers).

    One object serves a batch: the state is read once, and a success is written only when
    it changes something (or once every SUCCESS_WRITE_SECONDS), since every thread of every
    worker shares the SMTP server's row.
    """

    SUCCESS_WRITE_SECONDS = 30

    def __init__(self, key):
        self.key = key
        row = self._row()
        self.failures, self.paused_until = row.failures, row.open_until
        self.last_success_at = row.last_success_at

    def _row(self):
        row = db.session.get(OutboxDestination, self.key)
        if row is None:
            db.session.add(OutboxDestination(key=self.key, failures=0))
            try:
                db.session.commit()
            except IntegrityError:  # another worker added it first
                db.session.rollback()
            row = db.session.get(OutboxDestination, self.key)
        return row

    def open_until(self):
        """When a paused destination may be tried again (None: it may be tried now)."""
        if self.paused_until is None or self.paused_until <= utcnow():
            return None
        return self.paused_until

    def failed(self, error):
        config = current_app.config
        row = db.session.get(OutboxDestination, self.key)
        row.failures += 1
        row.last_error = error[:2000]
        row.last_failure_at = now = utcnow()
        over = row.failures - config["OUTBOX_BREAKER_FAILURES"]
        if over >= 0:
            pause = min(config["OUTBOX_BREAKER_SECONDS"] * 2 ** over,
                        config["OUTBOX_BREAKER_MAX_SECONDS"])
            row.open_until = now + timedelta(seconds=pause)
            log.warning("forms outbox: %s paused for %.0f s after %s failures in a row",
                        self.key, pause, row.failures)
        self.failures, self.paused_until = row.failures, row.open_until

    def succeeded(self):
        now = utcnow()
        stale = (self.last_success_at is None or (now - self.last_success_at).total_seconds()
                 > self.SUCCESS_WRITE_SECONDS)
        if not (self.failures or self.paused_until or stale):
            return
        if self.failures or self.paused_until:
            log.info("forms outbox: %s works again", self.key)
        db.session.execute(
            update(OutboxDestination).where(OutboxDestination.key == self.key)
            .values(failures=0, open_until=None, last_success_at=now)
            .execution_options(synchronize_session=False))
        self.failures, self.paused_until, self.last_success_at = 0, None, now


def _renew_lease(message_id, token):
    """Extend our lease on a message right before sending it; False if another worker has it.

    A lease then only has to outlast one send, not a whole batch: a slow SMTP server
    cannot make a claim expire while its worker still means to send the message.
    """
    lease_end = utcnow() + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    renewed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token,
               OutboxMessage.status == "sending")
        .values(next_attempt_at=lease_end)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return renewed == 1


def _defer(message, until):
    """Put a claimed message back until its destination may be tried again (no attempt)."""
    message.status = "pending"
    message.claim_token = None
    message.next_attempt_at = until
    db.session.commit()


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
        if (stop is not None and stop.is_set()) or not _renew_lease(message_id, token):
            continue
        deliver, _, destination = _deliverers[message.kind]
        key = destination(message)
        if key not in breakers:
            breakers[key] = Breaker(key)
        breaker = breakers[key]
        paused_until = breaker.open_until()
        if paused_until is not None:
            _defer(message, paused_until)
            continue
        try:
            deliver(message)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later, and logged
            failed += 1
            breaker.failed(f"{type(exc).__name__}: {exc}")
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if (isinstance(exc, Undeliverable)
                    or message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]):
                message.status = "failed"
                log.error("forms outbox: giving up on message %s: %s", message.id, exc)
            else:
                message.status = "pending"
                message.next_attempt_at = utcnow() + timedelta(seconds=backoff(message.attempts))
                log.warning("forms outbox: message %s failed (attempt %s): %s",
                            message.id, message.attempts, exc)
        else:
            sent += 1
            message.attempts += 1
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            breaker.succeeded()
            _commit_sent(message_id, token)
            continue
        db.session.commit()
    return sent, failed


def _commit_sent(message_id, token):
    """Record a delivered message, retrying while the database is briefly away.

    The mail is already out: giving up here would send it again once the lease ends,
    so keep trying for half the lease (a PostgreSQL restart takes seconds).
    """
    try:
        db.session.commit()
        return
    except (OperationalError, InterfaceError):
        db.session.rollback()
    deadline = time.monotonic() + current_app.config["OUTBOX_LEASE_SECONDS"] / 2
    while True:
        time.sleep(0.5)
        try:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
                .values(status="sent", attempts=OutboxMessage.attempts + 1, sent_at=utcnow(),
                        last_error=None)
                .execution_options(synchronize_session=False))
            db.session.commit()
            return
        except (OperationalError, InterfaceError):
            db.session.rollback()
            if time.monotonic() > deadline:
                raise


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
    wakeup = _wakeups[lane]
    while not stop.is_set():
        busy = False
        # The request context gives url_for the site's scheme, host and /forms prefix;
        # each lane's own context gives it its own database session.
        with app.test_request_context(base_url=_forms_base_url(app)):
            try:
                busy = any(process_outbox(stop=stop, lane=lane))
            except Exception:  # noqa: BLE001 - e.g. the database is down: keep the worker alive
                log.exception("forms outbox: %s lane pass failed", lane)
                # Else the broken transaction fails every later pass.
                db.session.rollback()
        if busy:
            continue  # more may be due right away: a backlog drains at full speed
        wakeup.wait(poll)
        wakeup.clear()


def _forms_base_url(app):
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


def echo_database():
    """Name the database a command works on, as its first line (stderr, password hidden)."""
    # Without /etc/normkraft/forms.env a command quietly uses a new SQLite file in
    # instance/ and "succeeds" there: this line lets the operator see the wrong target.
    line = f"database: {db.engine.url.render_as_string(hide_password=True)}"
    default = f"sqlite:///{Path(current_app.instance_path) / 'forms.sqlite3'}"
    if current_app.config["SQLALCHEMY_DATABASE_URI"] == default:
        line += " (the built-in default: FORMS_DATABASE_URL is not set)"
    click.echo(line, err=True)


outbox_cli = AppGroup("outbox", help="Send the queued mail.")


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
def run_command(once):
    """Run the outbox worker (production: one or more of these next to the web app)."""
    echo_database()
    app = current_app._get_current_object()
    if once:
        with app.test_request_context(base_url=_forms_base_url(app)):
            sent, failed = process_outbox()
        click.echo(f"sent {sent}, failed {failed}")
        return
    stop = threading.Event()

    def finish(signum, frame):
        # systemd stops with SIGTERM: end the message in hand, leave the rest to the lease.
        stop.set()
        wake_worker()

    signal.signal(signal.SIGTERM, finish)
    try:
        run_worker(app, stop)
    except KeyboardInterrupt:
        stop.set()
