"""Where views wait before they are written: Redis when the service has one, else memory.

With Redis, a view waits in its process for at most READERS_PUSH_SECONDS, then joins the
counts in Redis that every process shares; the flush writes them to the database.
A view adds 1 to its row's pending count and remembers the visitor's tokens (the page,
the day in its language and the whole day) with the row of their first view; whether a
token is new is decided when the batch is written, by the database (writer.py), so visitor
counts hold across processes in both stores. Each store also keeps the rate limit per visitor
key (limit.py): in its process in memory, and across processes through the same push with Redis.
"""

import json
import logging
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from .limit import VisitorLimit

log = logging.getLogger(__name__)
PREFIX = "readers:"
# A batch taken from Redis that no process finished within this long is written again
# (the process died between taking and writing it); reader_batches prevents a double count.
ORPHAN_SECONDS = 30


@dataclass
class Batch:
    """Views per row (a JSON list [day, *dimensions]) and the visitor tokens seen."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    views: Counter = field(default_factory=Counter)
    # Visitor token -> the target of its first view (a JSON list): ["r", day, *row] or
    # ["d", day, language].
    seen: dict = field(default_factory=dict)
    redis_key: str | None = None

    def __bool__(self):
        return bool(self.views or self.seen)


class MemoryStore:
    """Pending counts in this process (the built-in defaults, or Redis unreachable)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pending = Batch()
        self.limit = VisitorLimit()

    def count(self, row, members, limiter_key, limit, window, now):
        """Add a view unless its visitor key is over limit in the window (seconds) of now."""
        if not self.limit.allow(limiter_key, limit, window, now):
            return False
        with self._lock:
            self._pending.views[row] += 1
            for token, target in members:
                self._pending.seen.setdefault(token, target)
        return True

    def take(self):
        with self._lock:
            batch, self._pending = self._pending, Batch()
        return [batch] if batch else []

    def done(self, batch):
        pass

    def push(self):
        pass

    def give_back(self, batch):
        """Keep a batch the database refused, to be written with the next one."""
        with self._lock:
            self._pending.views.update(batch.views)
            # The batch's first views came before the ones counted since.
            self._pending.seen = {**self._pending.seen, **batch.seen}


# Takes the pending counts and keeps them under the batch's key until it is written.
_TAKE = """
local views = redis.call('HGETALL', KEYS[1])
local seen = redis.call('HGETALL', KEYS[2])
if #views == 0 and #seen == 0 then return false end
redis.call('DEL', KEYS[1], KEYS[2])
local payload = cjson.encode({views = views, seen = seen, at = tonumber(ARGV[1])})
redis.call('SET', KEYS[3], payload)
return payload
"""


# Adds a process's pending views, visitor tokens and rate-limit use to the shared counts, in
# one call (one command to pack, not one per row and token); returns each key's total use.
# ARGV: how many views, tokens and keys follow, the limit hash's lifetime, then the pairs.
_PUSH = """
local at = 5
for _ = 1, tonumber(ARGV[1]) do
  redis.call('HINCRBY', KEYS[1], ARGV[at], ARGV[at + 1]); at = at + 2
end
for _ = 1, tonumber(ARGV[2]) do
  redis.call('HSETNX', KEYS[2], ARGV[at], ARGV[at + 1]); at = at + 2
end
local totals = {}
for i = 1, tonumber(ARGV[3]) do
  totals[i] = redis.call('HINCRBY', KEYS[3], ARGV[at], ARGV[at + 1]); at = at + 2
end
if #totals > 0 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
return totals
"""


class RedisStore:
    """Pending counts in Redis, shared by every process; memory while Redis is away."""

    def __init__(self, url):
        import redis

        self.errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)
        self._take = self.client.register_script(_TAKE)
        self._push = self.client.register_script(_PUSH)
        self.fallback = MemoryStore()

    def count(self, row, members, limiter_key, limit, window, now):
        # Counted in this process first (with the limit as far as it knows), then moved to
        # Redis by push() every READERS_PUSH_SECONDS: one round trip per push, not per view.
        return self.fallback.count(row, members, limiter_key, limit, window, now)

    def push(self):
        """Move this process's pending views and rate-limit use to Redis, in one atomic call.

        Reads back each visitor key's use in all processes, so a key at its limit is refused
        here too for the rest of the window (limit.py).
        """
        batches = self.fallback.take()
        window, used = self.fallback.limit.take()
        if not batches and not used:
            return
        views, seen = Counter(), {}
        for batch in batches:
            views.update(batch.views)
            for token, target in batch.seen.items():
                seen.setdefault(token, target)
        args = [len(views), len(seen), len(used), 2 * self.fallback.limit.seconds]
        for pairs in (views.items(), seen.items(), used.items()):
            for pair in pairs:
                args.extend(pair)
        try:
            totals = self._push(keys=[PREFIX + "views", PREFIX + "seen",
                                      f"{PREFIX}limit:{window}"], args=args)
        except self.errors as exc:
            # Kept here, and written straight to the database by the next flush: a view
            # is not lost because Redis went away. The limit holds in this process alone.
            for batch in batches:
                self.fallback.give_back(batch)
            self.fallback.limit.give_back(window, used)
            log.warning("readers: Redis unreachable, counting in memory: %s", exc)
        else:
            self.fallback.limit.learn(window, used, dict(zip(used, totals, strict=True)))

    def take(self):
        batches = self.fallback.take()
        try:
            batch_id = uuid.uuid4().hex
            payload = self._take(keys=[PREFIX + "views", PREFIX + "seen",
                                       PREFIX + "batch:" + batch_id], args=[time.time()])
            if payload:
                batches.append(self._batch(batch_id, payload))
            batches.extend(self._orphans())
        except self.errors as exc:
            log.warning("readers: Redis unreachable, its counts wait there: %s", exc)
        return batches

    def _orphans(self):
        for key in self.client.scan_iter(match=PREFIX + "batch:*", count=100):
            key = key.decode()
            payload = self.client.get(key)
            if payload and json.loads(payload).get("at", 0) < time.time() - ORPHAN_SECONDS:
                yield self._batch(key.removeprefix(PREFIX + "batch:"), payload)

    @staticmethod
    def _batch(batch_id, payload):
        data = json.loads(payload)
        # cjson writes an empty list as {}.
        views, seen = data["views"] or [], data["seen"] or []
        return Batch(id=batch_id,
                     views=Counter({views[i]: int(views[i + 1])
                                    for i in range(0, len(views), 2)}),
                     seen={seen[i]: seen[i + 1] for i in range(0, len(seen), 2)},
                     redis_key=PREFIX + "batch:" + batch_id)

    def done(self, batch):
        if batch.redis_key:
            try:
                self.client.delete(batch.redis_key)
            except self.errors as exc:
                # Written already; reader_batches makes its second writing a no-op.
                log.warning("readers: could not delete %s: %s", batch.redis_key, exc)

    def give_back(self, batch):
        if batch.redis_key is None:
            self.fallback.give_back(batch)
        # A Redis batch stays under its key and is written again as an orphan.


def open_store(url):
    """RedisStore for a redis:// URL, else MemoryStore."""
    if url and url.split(":", 1)[0] in {"redis", "rediss", "unix"}:
        return RedisStore(url)
    return MemoryStore()
