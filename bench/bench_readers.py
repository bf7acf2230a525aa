"""Benchmark the reader count's beacon under gunicorn against the e-book signup (same run).

Three servers, gunicorn as deploy/gunicorn.conf.py runs it (2 workers of 4 threads), SQLite:
the signup (as bench_forms.py's client sends it), the beacon counting in memory (the built-in
defaults) and the beacon counting in Redis. Both are sent by lean_http.py's keep-alive
client: the load client shares the 2 cores with the server, and http.client took a third of
them. Each beacon comes from its own visitor (X-Forwarded-For, as nginx sends it), so the
per-visitor rate limit leaves none out.
Prints throughput at full load (rounds interleaved, median shown) with the CPU per request
of the server and of the load client, p50/p99 at a steady 500 beacons/s, then the views in
the database (after a SIGTERM to each server, whose workers flush at exit) against the 204
answers.
Targets: beacon throughput >= 5x the signup's, p99 <= 10 ms at 500/s, every view counted.
BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_RATE (500), BENCH_REDIS_URL (redis://127.0.0.1:6379/15).
"""

import itertools
import json
import os
import queue
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from bench_forms import CONCURRENCY, DURATION, ROOT, ROUNDS, Server, forms_env, pct
from cpu_time import cpu_seconds
from lean_http import LeanConnection, header, request
from worker_connections import spread, worker_pids

RATE = int(os.environ.get("BENCH_RATE", "500"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")
BODY = json.dumps({"path": "/iso-9001-kvalitet/", "lang": "sv", "ref": "www.linkedin.com",
                   "utm_source": "linkedin", "screen": "l"})
_visitors = itertools.count()
_visitor_lock = threading.Lock()


def next_address():
    with _visitor_lock:
        n = next(_visitors)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class BeaconClient:
    """One keep-alive connection, as nginx keeps to the upstream; no cookie."""

    path = "/readers/beacon"

    def __init__(self, port, site):
        self.site, self.server_port = site, port
        self.conn = LeanConnection(port)

    @property
    def port(self):
        return self.conn.port

    def reconnect(self):
        self.conn.close()
        return type(self)(self.server_port, self.site)

    def prepared(self):
        return request("POST", self.path, {
            "Origin": self.site, "User-Agent": BROWSER,
            "Content-Type": "text/plain;charset=UTF-8", "X-Forwarded-For": next_address()},
            BODY.encode())

    def signup(self):  # the name the load loops call, for either client
        data = self.prepared()
        started = time.perf_counter()
        try:
            status, _head, _body = self.conn.exchange(data)
        except (BrokenPipeError, ConnectionResetError):
            # gunicorn closed an idle keep-alive connection: a new one, and send again.
            self.conn.close()
            self.conn = LeanConnection(self.server_port)
            status, _head, _body = self.conn.exchange(data)
        return status, time.perf_counter() - started


class SignupClient(BeaconClient):
    """The e-book signup as bench_forms.py's Client sends it (session cookie, CSRF token),
    over the same lean connection as the beacon."""

    path = "/ebook"

    def __init__(self, port, site):
        super().__init__(port, site)
        status, head, body = self.conn.exchange(request("GET", "/csrf"))
        assert status == 200, status
        self.token = json.loads(body)["csrf_token"]
        self.cookie = header(head, "Set-Cookie").split(";")[0]

    def prepared(self):
        body = urlencode({"name": "Bench", "email": f"{uuid.uuid4().hex}@example.com",
                          "consent": "y", "lang": "sv", "elapsed": "5000"})
        return request("POST", self.path, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
            "Origin": self.site, "X-CSRFToken": self.token, "Cookie": self.cookie},
            body.encode())


def clients_for(server, make):
    clients = [make(server.port, server.site) for _ in range(CONCURRENCY)]
    return spread(clients, server.proc.pid, server.port, type(clients[0]).reconnect)[0]


def full_load(server, make):
    """(requests/s, results) with CONCURRENCY clients as fast as they can."""
    results, stop = [], time.perf_counter() + DURATION
    clients = clients_for(server, make)

    def run(client):
        while time.perf_counter() < stop:
            results.append(client.signup())

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    pids = [server.proc.pid, *worker_pids(server.proc.pid)]
    server_cpu, client_cpu = cpu_seconds(pids), time.process_time()
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.cpu.append(((cpu_seconds(pids) - server_cpu) / len(results),
                       (time.process_time() - client_cpu) / len(results)))
    return len(results) / (time.perf_counter() - began), results


def steady(server, make, rate):
    """Beacons at a fixed arrival rate over a pool of connections; the results."""
    results, jobs = [], queue.Queue()
    clients = clients_for(server, make)

    def work(client):
        while jobs.get() is not None:
            results.append(client.signup())

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    for n in range(int(rate * DURATION)):
        delay = began + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        jobs.put(n)
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    return results, len(results) / (time.perf_counter() - began)


def stored_views(url):
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        views = conn.exec_driver_sql("SELECT coalesce(sum(views), 0) FROM reader_counts").scalar()
    engine.dispose()
    return int(views)


def redis_available():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        # Only the reader count's own keys: the database may be shared.
        for key in client.scan_iter(match="readers:*"):
            client.delete(key)
        client.close()
        return True
    except redis.RedisError as exc:
        print(f"bench_readers: Redis not available ({exc}); skipping it")
        return False


def main():
    tmp = Path(tempfile.mkdtemp(prefix="bench-readers-"))
    setups = [("signup, SQLite", SignupClient, "memory://"),
              ("beacon, memory", BeaconClient, "memory://")]
    if redis_available():
        setups.append(("beacon, Redis", BeaconClient, REDIS_URL))
    running = []
    try:
        for name, make, storage in setups:
            url = f"sqlite:///{tmp / (name.split(',')[0] + storage[:5])}.sqlite3"
            folder = tmp / name.replace(" ", "").replace(",", "-")

            def env(site, folder=folder, url=url, storage=storage):
                return dict(forms_env(folder, url, site), FORMS_PROXY_COUNT="1",
                            FORMS_RATELIMIT_STORAGE_URL=storage)

            server = Server(name, "forms_service:create_app()", env, ROOT, tmp, url)
            server.make, server.rates, server.answered, server.cpu = make, [], 0, []
            running.append(server)
        for _ in range(ROUNDS):
            for server in running:
                rate, results = full_load(server, server.make)
                server.rates.append(rate)
                server.answered += sum(200 <= status < 300 for status, _ in results)
        for server in running[1:]:
            results, achieved = steady(server, server.make, RATE)
            server.answered += sum(status == 204 for status, _ in results)
            server.latencies, server.achieved = [s for _, s in results], achieved
    finally:
        for server in running:
            server.stop()  # SIGTERM: the workers write their pending views at exit
    status = report(running)
    shutil.rmtree(tmp, ignore_errors=True)
    return status


def report(running):
    signup = running[0]
    print(f"\n{ROUNDS} rounds of {DURATION:.0f} s at full load ({CONCURRENCY} connections over "
          f"2 workers, median round), then {DURATION:.0f} s at a steady {RATE}/s.")
    print(f"\n{'':16} {'req/s':>8} {'x signup':>9} {f'p50 ms @{RATE}/s':>15} "
          f"{f'p99 ms @{RATE}/s':>15} {'achieved/s':>11} {'204s':>7} {'views stored':>13}")
    signup_rate = statistics.median(signup.rates)
    print(f"{signup.name:16} {signup_rate:8.0f} {'1.0':>9}")
    failed = False
    for server in running[1:]:
        ratio = statistics.median(r / s for r, s in zip(server.rates, signup.rates, strict=True))
        stored = stored_views(server.db_url)
        p99 = pct(server.latencies, 0.99)
        print(f"{server.name:16} {statistics.median(server.rates):8.0f} {ratio:9.1f} "
              f"{pct(server.latencies, 0.5):15.1f} {p99:15.1f} {server.achieved:11.0f} "
              f"{server.answered:7} {stored:13}")
        failed |= ratio < 5 or p99 > 10 or stored != server.answered
    print("CPU ms per request at full load (median round), server / load client: " + "; ".join(
        f"{server.name}: " + "{:.2f} / {:.2f}".format(*(1000 * statistics.median(part)
                                                       for part in zip(*server.cpu, strict=True)))
        for server in running))
    print("per round, req/s: " + "; ".join(
        f"{server.name}: " + ", ".join(f"{rate:.0f}" for rate in server.rates)
        for server in running))
    print("targets: beacon >= 5x the signup's throughput, p99 <= 10 ms at "
          f"{RATE}/s, views stored = 204 answers: {'missed' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
