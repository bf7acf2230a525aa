"""The outbox queue: the kinds features register, enqueueing, claiming, retrying.

A feature registers each kind of message it queues (register_kind) with the function that
delivers it, its lane and its destination; the queue knows no kind by name. Messages are
queued in the transaction of the write they belong to (enqueue), so a rolled-back write
sends nothing. A worker claims due messages (claim_batch) as a lease, and a failed delivery
is tried again after a growing pause (backoff) until OUTBOX_MAX_ATTEMPTS.
"""

import threading
import time
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, select, update
from sqlalchemy.exc import InterfaceError, OperationalError

from ..db import db
from ..models import OutboxMessage, utcnow

VISITOR, STAFF, WEBHOOK = "visitor", "staff", "webhook"
LANES = (VISITOR, STAFF, WEBHOOK)
SMTP_DESTINATION = "smtp"
_wakeups = {lane: threading.Event() for lane in LANES}


class Undeliverable(Exception):
    """Raised by a deliverer when no later attempt can succeed: the message fails at once."""


def _smtp(message):
    return SMTP_DESTINATION


# kind -> (deliver(message), lane, destination(message)); deliver raises to have the
# message retried; destination names the server it goes to (one circuit breaker each).
_deliverers = {}


def register_kind(kind, deliver, lane=STAFF, destination=_smtp):
    """Let a feature deliver its own outbox messages (the e-book mail, webhooks, digests, ...)."""
    if lane not in LANES:
        raise ValueError(f"outbox: unknown lane {lane!r}")
    _deliverers[kind] = (deliver, lane, destination)


def deliverer(kind):
    """(deliver, lane, destination) of a registered kind."""
    return _deliverers[kind]


def lane_kinds(lane):
    """The message kinds travelling in lane."""
    return sorted(kind for kind, (_, kind_lane, _) in _deliverers.items() if kind_lane == lane)


def wake_worker():
    """Tell an in-process worker thread that new mail is waiting."""
    for event in _wakeups.values():
        event.set()


def wakeup(lane):
    """The event a lane's threads wait on between passes."""
    return _wakeups[lane]


def enqueue(connection, kind, language, **refs):
    """Queue a message of kind on connection, in the transaction it is in; return its id.

    refs: lead_id= or booking_id=, the row the message is about. Nothing is sent unless
    that transaction commits; call wake_worker() after the commit for a prompt send.
    """
    now = utcnow()
    result = connection.execute(insert(OutboxMessage.__table__).values(
        kind=kind, language=language, status="pending", attempts=0, next_attempt_at=now,
        created_at=now, **refs))
    return result.inserted_primary_key[0]


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
    # A claim only has to last until the message's turn in the batch, when renew_lease
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


def renew_lease(message_id, token):
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


def defer(message, until):
    """Put a claimed message back until its destination may be tried again (no attempt)."""
    message.status = "pending"
    message.claim_token = None
    message.next_attempt_at = until
    db.session.commit()


def backoff(attempts):
    """Seconds to wait before attempt number attempts + 1."""
    config = current_app.config
    return min(config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (attempts - 1),
               config["OUTBOX_BACKOFF_MAX_SECONDS"])


def record_failure(message, exc, log):
    """Count a failed attempt: try again after backoff(), or give up for good."""
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
    db.session.commit()


def record_sent(message, message_id, token):
    """Record a delivered message, retrying while the database is briefly away.

    The mail is already out: giving up here would send it again once the lease ends,
    so keep trying for half the lease (a PostgreSQL restart takes seconds).
    """
    message.attempts += 1
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
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
