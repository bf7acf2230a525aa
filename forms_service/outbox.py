"""The mail outbox: a worker claims due messages, sends them, retries with backoff."""

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
from sqlalchemy.exc import InterfaceError, OperationalError

from .db import db
from .models import Lead, OutboxMessage, utcnow

log = logging.getLogger(__name__)

_wakeup = threading.Event()


class Undeliverable(Exception):
    """Raised by a deliverer when no later attempt can succeed: the message fails at once."""


def wake_worker():
    """Tell an in-process worker thread that new mail is waiting."""
    _wakeup.set()


def claim_batch(limit=None):
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
    lease_end = now + timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
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


# kind -> deliver(message); deliver raises to have the message retried.
_deliverers = {"ebook": _send_ebook}


def register_kind(kind, deliver):
    """Let a feature deliver its own outbox messages (webhooks, digests, ...)."""
    _deliverers[kind] = deliver


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


def process_outbox(limit=None, stop=None):
    """Deliver every due message once (until stop is set); return (sent, failed) counts."""
    sent = failed = 0
    batch = claim_batch(limit)
    # Read before the first commit expires the objects (and reloads another worker's token).
    claims = [(message, message.id, message.claim_token) for message in batch]
    for message, message_id, token in claims:
        # Left unsent on stop, a message keeps its lease and is picked up again afterwards.
        if (stop is not None and stop.is_set()) or not _renew_lease(message_id, token):
            continue
        try:
            _deliverers[message.kind](message)
        except Exception as exc:  # noqa: BLE001 - any failure is retried later, and logged
            failed += 1
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


def run_worker(app, stop, poll=None):
    """Process the outbox until stop is set; wake early when a signup queues mail."""
    poll = poll if poll is not None else app.config["OUTBOX_POLL_SECONDS"]
    while not stop.is_set():
        busy = False
        # The request context gives url_for the site's scheme, host and /forms prefix.
        with app.test_request_context(base_url=_forms_base_url(app)):
            try:
                busy = any(process_outbox(stop=stop))
            except Exception:  # noqa: BLE001 - e.g. the database is down: keep the worker alive
                log.exception("forms outbox: worker pass failed")
                # Else the broken transaction fails every later pass (the CLI's app
                # context, and with it the session, lives as long as the worker).
                db.session.rollback()
        if busy:
            continue  # more may be due right away: a backlog drains at full speed
        _wakeup.wait(poll)
        _wakeup.clear()


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
        _wakeup.set()
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
        _wakeup.set()

    signal.signal(signal.SIGTERM, finish)
    try:
        run_worker(app, stop)
    except KeyboardInterrupt:
        stop.set()
