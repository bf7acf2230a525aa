"""Benchmark the e-book signup under gunicorn (2 workers) on SQLite and PostgreSQL.

Compares with a bare Flask POST handler on the same server, with the signup whose
database write is skipped (bench/skip_write_app.py), which shows what the write costs, and
with the signup written the plain way, one ORM transaction each (bench/orm_signup_app.py),
which shows what the fast path (group commit, Core statements compiled once) gains.
Prints a table: throughput at full load, p50/p99 at a steady 100 signups/s, 2xx answers
vs. rows, and the CPU time per request of the workers and of PostgreSQL.
Rate limits are off here (they are not the write path being measured); the service logs
one JSON line per request, as in production, into a file.
BENCH_ROUNDS (3) and BENCH_SECONDS (5) set how many full-load runs each server gets.
"""

import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from cpu_time import cpu_seconds, pids_named
from site_helpers import free_port
from worker_connections import spread, worker_pids

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))
PG_URL = os.environ.get("FORMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DURATION = float(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONCURRENCY = 16

BARE_APP = '''
from flask import Flask, jsonify, request

def create_app():
    app = Flask(__name__)

    @app.post("/ebook")
    def ebook():
        return jsonify({"ok": True, "message": request.form.get("name", ""), "errors": {}})

    return app
'''


def start(app_spec, env, port, cwd, log):
    """gunicorn as deploy/gunicorn.conf.py runs it: 2 workers of 4 threads; logs to log."""
    proc = subprocess.Popen(
        [GUNICORN, "-w", "2", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec], cwd=cwd, env=env, stdout=log, stderr=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/health")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"bench_forms: {app_spec} did not start")


class Client:
    """One keep-alive connection with its own session cookie and CSRF token."""

    def __init__(self, port, site):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.site = site
        self.cookie = ""
        self.token = ""
        self.conn.request("GET", "/csrf")
        response = self.conn.getresponse()
        body = response.read()
        if response.status == 200 and body.startswith(b"{"):
            self.token = json.loads(body).get("csrf_token", "")
            self.cookie = (response.getheader("Set-Cookie") or "").split(";")[0]

    @property
    def port(self):
        """The local port of this client's connection."""
        return self.conn.sock.getsockname()[1]

    def reconnect(self):
        self.conn.close()
        return Client(self.conn.port, self.site)

    def signup(self):
        body = urlencode({"name": "Bench", "email": f"{uuid.uuid4().hex}@example.com",
                          "consent": "y", "lang": "sv", "elapsed": "5000"})
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/json", "Origin": self.site,
                   "X-CSRFToken": self.token, "Cookie": self.cookie}
        started = time.perf_counter()
        try:
            self.conn.request("POST", "/ebook", body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            # gunicorn closed an idle keep-alive connection before we sent: reconnect.
            self.conn.close()
            self.conn.request("POST", "/ebook", body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started


def connected_clients(server, port, site):
    """CONCURRENCY clients, their connections spread evenly over the server's workers."""
    clients = [Client(port, site) for _ in range(CONCURRENCY)]
    clients, _ = spread(clients, server.pid, port, Client.reconnect)
    return clients


def full_load(server, port, site):
    """CONCURRENCY clients as fast as they can: returns (requests/s, ok count, latencies)."""
    results = []
    clients = connected_clients(server, port, site)
    stop = time.perf_counter() + DURATION

    def run(client):
        while time.perf_counter() < stop:
            results.append(client.signup())

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return len(results) / elapsed, sum(200 <= s < 300 for s, _ in results), results


def steady(server, port, site, rate=100):
    """A fixed arrival rate (open loop over a pool of clients): returns the results."""
    results = []
    lock = threading.Lock()
    total = int(rate * DURATION)
    free = connected_clients(server, port, site)
    cv = threading.Condition(lock)

    def one():
        with cv:
            while not free:
                cv.wait()
            client = free.pop()
        outcome = client.signup()
        with cv:
            results.append(outcome)
            free.append(client)
            cv.notify()

    threads = []
    began = time.perf_counter()
    for n in range(total):
        delay = began + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return results


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def count_rows(url):
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT count(*) FROM leads").scalar()
    engine.dispose()
    return rows


def forms_env(tmp, db_url, site):
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, FORMS_DATABASE_URL=db_url, FORMS_SECRET_KEY="bench",
               FORMS_SITE_URL=site, FORMS_RATELIMIT_ENABLED="false", FORMS_OUTBOX_THREAD="false",
               FORMS_LOG_FORMAT="json",
               FORMS_AUTO_MIGRATE="false", FORMS_INSTANCE_PATH=str(tmp / "instance"),
               FORMS_EBOOK_SOURCE_DIR=str(tmp / "no-ebook"), PYTHONPATH=str(ROOT))
    subprocess.run([PY, "-m", "flask", "--app", "forms_service", "db", "upgrade"], env=env,
                   cwd=ROOT, check=True, capture_output=True)
    return env


def _postgres_cpu():
    """{pid: CPU seconds} of every PostgreSQL process on this machine."""
    return {pid: cpu_seconds([pid]) for pid in pids_named("postgres")}


def _used(before, after):
    """CPU seconds used between two _postgres_cpu() readings (new backends from zero)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


class Server:
    """One gunicorn server under test, its logs in a file."""

    def __init__(self, name, app_spec, env, cwd, tmp, db_url=None):
        self.name, self.db_url = name, db_url
        self.port = free_port()
        self.site = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp / f"{name.replace(' ', '_').replace(',', '')}.log", "w")
        self.proc = start(app_spec, env(self.site) if callable(env) else env, self.port, cwd,
                          self.log)
        self.rates, self.ok, self.latencies = [], 0, []
        self.worker_ms, self.postgres_ms = [], []  # CPU per request, per round

    def full_load(self):
        workers = worker_pids(self.proc.pid)
        before = cpu_seconds(workers), _postgres_cpu()
        rate, ok, results = full_load(self.proc, self.port, self.site)
        after = cpu_seconds(workers), _postgres_cpu()
        self.rates.append(rate)
        self.ok += ok
        self.worker_ms.append(1000 * (after[0] - before[0]) / max(1, len(results)))
        self.postgres_ms.append(1000 * _used(before[1], after[1]) / max(1, len(results)))

    def steady(self):
        results = steady(self.proc, self.port, self.site)
        self.ok += sum(200 <= status < 300 for status, _ in results)
        self.latencies = [seconds for _, seconds in results]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def servers(tmp, admin, pg_db):
    (tmp / "bare_app.py").write_text(BARE_APP)
    yield Server("bare Flask POST", "bare_app:create_app()",
                 dict(os.environ, PYTHONPATH=str(tmp)), tmp, tmp)
    # What the service costs without its write: the gap to the real runs is the write.
    skip_url = f"sqlite:///{tmp / 'skip.sqlite3'}"
    yield Server("signup, write skipped", "skip_write_app:create_app()",
                 lambda site: dict(forms_env(tmp / "skip", skip_url, site),
                                   PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}"), ROOT, tmp)
    sqlite_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    yield Server("signup, SQLite", "forms_service:create_app()",
                 lambda site: forms_env(tmp / "sqlite", sqlite_url, site), ROOT, tmp, sqlite_url)
    # The same signup written the plain way (one ORM transaction each): the fast path's gain.
    orm_sqlite_url = f"sqlite:///{tmp / 'orm.sqlite3'}"
    yield Server("signup ORM, SQLite", "orm_signup_app:create_app()",
                 lambda site: dict(forms_env(tmp / "orm-sqlite", orm_sqlite_url, site),
                                   PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}"),
                 ROOT, tmp, orm_sqlite_url)
    if admin:
        base = PG_URL.rsplit("/", 1)[0].split("://", 1)[1]
        for name, database, app_spec in (
                ("signup, PostgreSQL", pg_db, "forms_service:create_app()"),
                ("signup ORM, PostgreSQL", pg_db + "_orm", "orm_signup_app:create_app()")):
            admin.execute(f'CREATE DATABASE "{database}"')
            pg_url = f"postgresql+psycopg://{base}/{database}"
            yield Server(name, app_spec,
                         lambda site, url=pg_url, folder=database: dict(
                             forms_env(tmp / folder, url, site),
                             PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}"),
                         ROOT, tmp, pg_url)


def connect_admin():
    import psycopg

    try:
        return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"bench_forms: PostgreSQL not available ({exc}); skipping it")
        return None


def main():
    tmp = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    admin = connect_admin()
    pg_db = "forms_bench_" + uuid.uuid4().hex[:8]
    running = []
    try:
        running.extend(servers(tmp, admin, pg_db))
        # Rounds of bare, SQLite, PostgreSQL back to back, so every ratio compares runs
        # made seconds apart on this shared machine.
        for _ in range(ROUNDS):
            for server in running:
                server.full_load()
        for server in running:
            server.steady()
    finally:
        for server in running:
            server.stop()
    rows = [(server, server.db_url and count_rows(server.db_url)) for server in running]
    if admin:
        for database in (pg_db, pg_db + "_orm"):
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()
    failed = report(rows)
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


def report(rows):
    """Print the table; return True when a target is missed."""
    bare = rows[0][0]
    print(f"\n{ROUNDS} rounds of {DURATION:.0f} s at full load ({CONCURRENCY} connections spread "
          "evenly over 2 workers); the median round is shown.")
    print(f"\n{'':22} {'req/s (full load)':>18} {'% of bare':>10} {'p50 ms @100/s':>14} "
          f"{'p99 ms @100/s':>14} {'2xx':>7} {'rows':>7} {'CPU ms/req: app':>16} "
          f"{'PostgreSQL':>11}")
    failed = False
    for server, stored in rows:
        # Each round's share against the bare run of the same round, then the median.
        share = 100 * statistics.median(
            rate / bare_rate for rate, bare_rate in zip(server.rates, bare.rates, strict=True))
        print(f"{server.name:22} {statistics.median(server.rates):18.0f} {share:9.0f}% "
              f"{pct(server.latencies, 0.5):14.1f} {pct(server.latencies, 0.99):14.1f} "
              f"{server.ok if server.db_url else '-':>7} {stored if server.db_url else '-':>7} "
              f"{statistics.median(server.worker_ms):16.2f} "
              f"{statistics.median(server.postgres_ms):11.2f}")
        if server.db_url and "ORM" not in server.name:  # the ORM runs are for comparison
            failed |= share < 40 or pct(server.latencies, 0.99) > 50 or server.ok != stored
    print("\nper round, req/s: " + "; ".join(
        f"{server.name}: " + ", ".join(f"{rate:.0f}" for rate in server.rates)
        for server, _ in rows))
    by_name = {server.name: server for server, _ in rows}
    for database in ("SQLite", "PostgreSQL"):
        fast, plain = by_name.get(f"signup, {database}"), by_name.get(f"signup ORM, {database}")
        if fast and plain:
            gain = statistics.median(
                a / b for a, b in zip(fast.rates, plain.rates, strict=True))
            print(f"fast path on {database}: {statistics.median(fast.rates):.0f} vs "
                  f"{statistics.median(plain.rates):.0f} req/s with one ORM transaction each "
                  f"({gain:.2f}x, median of the rounds' ratios); p99 @100/s "
                  f"{pct(fast.latencies, 0.99):.1f} vs {pct(plain.latencies, 0.99):.1f} ms")
    print("CPU ms/req: CPU time of the gunicorn workers, and of all PostgreSQL processes, per "
          "request at full load (median round); the load client runs on the same cores.")
    print("targets: >= 40% of bare throughput, p99 <= 50 ms at 100 signups/s, 2xx == rows")
    return failed


if __name__ == "__main__":
    sys.exit(main())
