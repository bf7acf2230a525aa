"""The rate limit per visitor key (readers/limit.py), in one process and across processes."""

from datetime import UTC, timedelta

import pytest
from readers_helpers import OTHER_BROWSER, Clock, beacon, flush, readers_app, totals
from site_helpers import free_port

LIMIT, WINDOW = 10, 60


@pytest.fixture
def clock():
    return Clock()


def limited_app(tmp_path, ebook_source, clock, url=None):
    overrides = {"RATELIMIT_STORAGE_URI": url} if url else {}
    app = readers_app(tmp_path, ebook_source, clock, **overrides)
    app.config.update(READERS_RATE_LIMIT=LIMIT, READERS_RATE_WINDOW=WINDOW)
    return app


def push(*apps):
    """What each process's thread does every READERS_PUSH_SECONDS."""
    for app in apps:
        app.extensions["readers"].store.push()


@pytest.fixture
def workers(tmp_path, ebook_source, clock, redis_url):
    """Two apps on one database and one Redis: two gunicorn workers (or instances)."""
    return tuple(limited_app(tmp_path, ebook_source, clock, redis_url) for _ in range(2))


def test_a_visitor_spread_over_two_processes_is_held_to_the_limit(workers):
    first, second = workers
    clients = [app.test_client() for app in workers]
    for _ in range(20):  # 40 views, one to each process per push interval
        for client in clients:
            assert beacon(client).status_code == 204
        push(first, second)
    beacon(clients[0], user_agent=OTHER_BROWSER)  # another visitor is not held back
    push(first, second)
    flush(first)
    # Each process learns the total at its push. The round that brought it to 10 ended with
    # the first process's push, which read 9: it took one more view in the next interval
    # before it learned (the documented bound). Without the shared count, each process would
    # have counted 10: 20 in all. Plus the other visitor's one view.
    assert totals(first) == ((LIMIT + 1) + 1, 2)


def test_the_shared_count_is_kept_per_window_and_expires(workers, clock, redis_url):
    import redis

    first, second = workers
    for _ in range(LIMIT):
        beacon(first.test_client())
    push(first)
    beacon(second.test_client())  # the second process does not know yet: counted
    push(second)
    assert beacon(second.test_client()).status_code == 204  # now it knows: left out
    push(second)
    # One hash per wall-clock window, the same number in every process; it expires.
    window = int(clock.now.replace(tzinfo=UTC).timestamp() // WINDOW)
    store = redis.Redis.from_url(redis_url)
    assert [key.decode() for key in store.scan_iter(match="readers:limit:*")] == [
        f"readers:limit:{window}"]
    assert 0 < store.ttl(f"readers:limit:{window}") <= 2 * WINDOW
    assert store.hvals(f"readers:limit:{window}") == [str(LIMIT + 1).encode()]
    clock.now += timedelta(seconds=WINDOW)  # the next window: the visitor counts again
    for _ in range(3):
        beacon(first.test_client())
        beacon(second.test_client())
        push(first, second)
    flush(first)
    assert totals(first) == (LIMIT + 1 + 6, 1)


def test_the_window_resets_the_limit_in_memory(tmp_path, ebook_source, clock):
    app = limited_app(tmp_path, ebook_source, clock)
    client = app.test_client()
    for _ in range(LIMIT + 5):
        beacon(client)
    clock.now += timedelta(seconds=WINDOW)
    for _ in range(LIMIT + 5):
        beacon(client)
    flush(app)
    assert totals(app) == (2 * LIMIT, 1)


def test_the_limit_holds_in_the_process_while_redis_is_away(tmp_path, ebook_source, clock):
    app = limited_app(tmp_path, ebook_source, clock, f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    for _ in range(LIMIT + 5):
        assert beacon(client).status_code == 204
        push(app)  # refused: views and the limit's count stay in the process
    flush(app)
    assert totals(app) == (LIMIT, 1)
