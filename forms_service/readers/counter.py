"""One process's reader counter: counts a view, and flushes the pending ones in batches.

A thread per process flushes every READERS_FLUSH_SECONDS; the desk flushes before it reads;
the process flushes at exit (atexit, which gunicorn's SIGTERM reaches; see __init__.py).
"""

import json
import logging
import os
import threading
import time
from datetime import UTC

from ..models import utcnow
from .models import DIMENSIONS
from .stores import open_store
from .visitor import Salts, token, visitor_key
from .writer import purge, write

log = logging.getLogger(__name__)


def _compact(values):
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False)


class ReaderCounter:
    def __init__(self, app, store_url):
        self.app = app
        self.store = open_store(store_url)
        self.salts = Salts()
        self._flush_lock = threading.Lock()
        self._thread_pid = None
        self._stop = threading.Event()
        self._purged = None
        self._active_pid = None  # the process that counted a view (not a CLI command)

    def now(self):
        """Naive UTC now (READERS_CLOCK: tests set the time)."""
        return (self.app.config["READERS_CLOCK"] or utcnow)()

    def today(self):
        """The UTC day a view is counted under."""
        return self.now().date()

    def count(self, view, site, address, user_agent):
        """Count view (a dict of DIMENSIONS); False when the visitor is over the rate limit."""
        config = self.app.config
        now = self.now()
        day = now.date()
        key = visitor_key(self.salts.of(day), site, address, user_agent)
        values = [view[name] for name in DIMENSIONS]
        iso = day.isoformat()
        language = view["language"]
        # A visitor counts once a day per page, on the row of their first view of it (its
        # referrer and campaign), so a page's rows add up to its daily visitors.
        members = [(token(key, "p", view["path"]), _compact(["r", iso, *values])),
                   (token(key, "d", language), _compact(["d", iso, language])),
                   (token(key, "d", ""), _compact(["d", iso, ""]))]
        counted = self.store.count(_compact([iso, *values]), members, token(key, "limit"),
                                   config["READERS_RATE_LIMIT"], config["READERS_RATE_WINDOW"],
                                   now.replace(tzinfo=UTC).timestamp())
        self._active_pid = os.getpid()
        if config["READERS_FLUSH_THREAD"]:
            self._ensure_thread()
        return counted

    def flush(self):
        """Write every pending batch; the number of views written."""
        written = 0
        with self._flush_lock, self.app.app_context():
            for batch in self.store.take():
                if write(batch):
                    self.store.done(batch)
                    written += sum(batch.views.values())
                else:
                    self.store.give_back(batch)
            today = self.today()
            if self._purged != today:
                purge(today, self.app.config["READERS_RETENTION_DAYS"])
                self._purged = today
        return written

    def _ensure_thread(self):
        # Threads do not survive a fork: each gunicorn worker starts its own.
        if self._thread_pid == os.getpid():
            return
        self._thread_pid = os.getpid()
        threading.Thread(target=self._run, name="readers-flush", daemon=True).start()

    def _run(self):
        config = self.app.config
        next_flush = time.monotonic() + config["READERS_FLUSH_SECONDS"]
        while not self._stop.wait(config["READERS_PUSH_SECONDS"]):
            try:
                self.store.push()
                if time.monotonic() >= next_flush:
                    next_flush = time.monotonic() + config["READERS_FLUSH_SECONDS"]
                    self.flush()
            except Exception:  # the thread must outlive one bad flush
                log.exception("readers: flush failed; the views wait for the next one")

    def close(self):
        """Stop the thread and write what is pending (at exit of a process that counted)."""
        self._stop.set()
        if self._active_pid != os.getpid():
            return
        try:
            written = self.flush()
        except Exception:  # exiting anyway: say what was not written
            log.exception("readers: the last flush failed")
        else:
            if written:
                log.info("readers: wrote %d pending views at exit", written)
