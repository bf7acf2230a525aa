"""The outbox: mail and other deliveries queued with the write they belong to, sent later.

- queue.py: the kinds features register (register_kind), enqueue, claim, retry and backoff;
- breaker.py: a circuit breaker per destination (the SMTP server, each webhook URL);
- worker.py: the passes over due messages, the lanes' threads, OutboxThread for development;
- commands.py: `flask outbox run`.

The outbox knows no feature: the e-book, booking and the desk register their own kinds.
"""

from .breaker import Breaker
from .commands import echo_database, outbox_cli
from .queue import (
    LANES,
    SMTP_DESTINATION,
    STAFF,
    VISITOR,
    WEBHOOK,
    Undeliverable,
    backoff,
    claim_batch,
    enqueue,
    lane_kinds,
    register_kind,
    wake_worker,
)
from .worker import OutboxThread, process_outbox, run_lane, run_worker

__all__ = [
    "LANES", "SMTP_DESTINATION", "STAFF", "VISITOR", "WEBHOOK", "Breaker", "OutboxThread",
    "Undeliverable", "backoff", "claim_batch", "echo_database", "enqueue", "lane_kinds",
    "outbox_cli", "process_outbox", "register_kind", "run_lane", "run_worker", "wake_worker",
]
