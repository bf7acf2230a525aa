"""The drill's sizes (DRILL_* variables) and the fixed figures its checks hold it to."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
SIGNUPS = int(os.environ.get("DRILL_SIGNUPS", 20000))
BOOKINGS = int(os.environ.get("DRILL_BOOKINGS", 500))
SECONDS = float(os.environ.get("DRILL_SECONDS", 150))
SMTP_DOWN = float(os.environ.get("DRILL_SMTP_DOWN", 30))
PG_FREEZE = float(os.environ.get("DRILL_PG_FREEZE", 20))
SMTP_HANG = float(os.environ.get("DRILL_SMTP_HANG", 20))
RESTART_POSTGRES = os.environ.get("DRILL_RESTART_POSTGRES", "1") != "0"
# The visitor's mail, queued -> accepted by SMTP, at the 99th percentile, for mail queued
# once SMTP was back from its last fault (with the webhook receiver hanging all along).
MAIL_DELAY_P99_MAX = 60.0
VISITOR_KINDS = ("ebook", "booking_request")
THREADS = int(os.environ.get("DRILL_THREADS", 24))
DRAIN_SECONDS = float(os.environ.get("DRILL_DRAIN_SECONDS", 300))
# A client fails over when an instance refuses the connection, so a request only loses its
# connection when a restart catches it: in flight or queued as a listener closes. That is at
# most about one request per client thread; any other connection error is a fault.
MAX_CONN_ERRORS = int(os.environ.get("DRILL_MAX_CONN_ERRORS", THREADS))
RESTART_GRACE = 2.0  # seconds around a restart still counted as part of it
BOTH_REFUSED = b"both instances refused"
PG_URL = os.environ.get("FORMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DRILL_REDIS_URL", "redis://127.0.0.1:6379/13")
SITE = "http://127.0.0.1:8000"
SUPPORT = "support@normkraft.se"
SALES = "sales@drill.example"
PROBE_IP, PROBE_LIMIT, PROBE_REQUESTS = "198.51.100.7", 20, 30
FAILURE_MSGID = "Oops! Something went wrong. Get in touch with %(email)s"
# Short lease, backoff and breaker pauses, so the drill's faults heal within minutes instead
# of hours. The lease still outlasts the PostgreSQL freeze: a worker that sent a mail just
# before it keeps the message until it can record the send (no second copy).
WORKER_CONFIG = {"OUTBOX_LEASE_SECONDS": 60, "OUTBOX_CLAIM_SECONDS": 10,
                 "OUTBOX_POLL_SECONDS": 0.5, "OUTBOX_BATCH": 10,
                 "OUTBOX_BACKOFF_SECONDS": 2.0, "OUTBOX_BACKOFF_MAX_SECONDS": 8.0,
                 "OUTBOX_BREAKER_SECONDS": 2.0, "OUTBOX_BREAKER_MAX_SECONDS": 8.0,
                 "OUTBOX_MAX_ATTEMPTS": 200}
