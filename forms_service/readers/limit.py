"""The rate limit per visitor key: views counted per key in a wall-clock window.

The window is int(time // READERS_RATE_WINDOW), the same number in every process. Each
process counts the views it accepts per key in the window; on its own (MemoryStore, or
Redis unreachable) that is the limit. With Redis, each push (RedisStore.push, every
READERS_PUSH_SECONDS) adds the views accepted here since the last push to the hash
`readers:limit:<window>` that every process shares (HINCRBY, in the push's one atomic
script; the hash expires after two windows) and reads back each key's total, so a key that
reached the limit in all processes together is refused here at once for the rest of the
window. A beacon never waits for Redis.

The bound: a process learns a key's total only at its next push. So a client spread over
several processes is counted at most READERS_RATE_LIMIT - 1 views plus, for each process,
what that process accepted from it within one push interval (0.1 s; never more than the
limit) before it learned the total. A client that sends one view at a time, or fewer than
that per 0.1 s to each process, is held to the limit.
"""

import threading
from collections import Counter


class VisitorLimit:
    """Views per visitor key in the current window: this process's, and all processes'."""

    def __init__(self):
        self._lock = threading.Lock()
        self._window = None
        self.seconds = 0
        self._known = {}  # key -> its total in all processes, as read back by the last push
        self._sending = Counter()  # views being pushed (not yet in _known)
        self._unpushed = Counter()  # views accepted here since the last push

    def allow(self, key, limit, seconds, now):
        """Count one view of key at now (a timestamp); False when key is at its limit."""
        window = int(now // seconds)
        with self._lock:
            if window != self._window:
                self._window, self.seconds = window, seconds
                self._known, self._sending, self._unpushed = {}, Counter(), Counter()
            if self._known.get(key, 0) + self._sending[key] + self._unpushed[key] >= limit:
                return False
            self._unpushed[key] += 1
        return True

    def take(self):
        """The window and the views per key accepted since the last push, to be pushed."""
        with self._lock:
            used, self._unpushed = self._unpushed, Counter()
            self._sending.update(used)
            return self._window, used

    def learn(self, window, used, totals):
        """The push counted used; totals is each key's count in all processes."""
        with self._lock:
            if window == self._window:
                self._sending.subtract(used)
                self._known.update(totals)

    def give_back(self, window, used):
        """The push failed: these views still count here, so the local limit holds."""
        with self._lock:
            if window == self._window:
                self._sending.subtract(used)
                self._unpushed.update(used)
