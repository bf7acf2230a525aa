"""Circuit breakers: a destination that keeps failing is paused, for longer each time.

Each destination (the SMTP server, each webhook URL) has its row in outbox_destinations,
shared by every worker. While it is paused its messages wait without using up attempts.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import OutboxDestination, utcnow

log = logging.getLogger(__name__)


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
