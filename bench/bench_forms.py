"""Benchmark the e-book signup under gunicorn (2 workers) on SQLite and PostgreSQL.

Compares with a bare Flask POST handler on the same server. Prints a table:
throughput at full load, p50/p99 at a steady 100 signups/s, and 2xx answers vs. rows.
Rate limits are off here (they are not the write path being measured).
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

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))
PG_URL = os.environ.get("FORMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DURATION = float(os.environ.get("BENCH_SECONDS", "5"))
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


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(app_spec, env, port, cwd):
    proc = subprocess.Popen(
        [GUNICORN, "-w", "2", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec], cwd=cwd, env=env)
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


def full_load(port, site):
    """CONCURRENCY clients as fast as they can: returns (requests/s, ok count, latencies)."""
    results = []
    stop = time.perf_counter() + DURATION

    def run():
        client = Client(port, site)
        while time.perf_counter() < stop:
            results.append(client.signup())

    threads = [threading.Thread(target=run) for _ in range(CONCURRENCY)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return len(results) / elapsed, sum(200 <= s < 300 for s, _ in results), results


def steady(port, site, rate=100):
    """A fixed arrival rate (open loop over a pool of clients): returns the results."""
    results = []
    lock = threading.Lock()
    total = int(rate * DURATION)
    clients = [Client(port, site) for _ in range(CONCURRENCY)]
    free = list(clients)
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
    env = dict(os.environ, FORMS_DATABASE_URL=db_url, FORMS_SECRET_KEY="bench",
               FORMS_SITE_URL=site, FORMS_RATELIMIT_ENABLED="false", FORMS_OUTBOX_THREAD="false",
               FORMS_AUTO_MIGRATE="false", FORMS_INSTANCE_PATH=str(tmp / "instance"),
               FORMS_EBOOK_SOURCE_DIR=str(tmp / "no-ebook"), PYTHONPATH=str(ROOT))
    subprocess.run([PY, "-m", "flask", "--app", "forms_service", "db", "upgrade"], env=env,
                   cwd=ROOT, check=True, capture_output=True)
    return env


def bench_forms(name, db_url, tmp):
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    env = forms_env(tmp, db_url, site)
    proc = start("forms_service:create_app()", env, port, ROOT)
    try:
        rate, ok_full, _ = full_load(port, site)
        steady_results = steady(port, site)
    finally:
        proc.terminate()
        proc.wait(10)
    ok = ok_full + sum(200 <= s < 300 for s, _ in steady_results)
    return {"name": name, "rate": rate, "p50": pct([t for _, t in steady_results], 0.5),
            "p99": pct([t for _, t in steady_results], 0.99), "ok": ok, "rows": count_rows(db_url)}


def bench_bare(tmp):
    (tmp / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    proc = start("bare_app:create_app()", dict(os.environ, PYTHONPATH=str(tmp)), port, tmp)
    try:
        rate, ok, _ = full_load(port, site)
        steady_results = steady(port, site)
    finally:
        proc.terminate()
        proc.wait(10)
    return {"name": "bare Flask POST", "rate": rate,
            "p50": pct([t for _, t in steady_results], 0.5),
            "p99": pct([t for _, t in steady_results], 0.99), "ok": None, "rows": None}


def main():
    tmp = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    rows = [bench_bare(tmp)]
    rows.append(bench_forms("signup, SQLite", f"sqlite:///{tmp / 'bench.sqlite3'}", tmp))
    pg_db = "forms_bench_" + uuid.uuid4().hex[:8]
    import psycopg

    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"bench_forms: PostgreSQL not available ({exc}); skipping it")
        admin = None
    if admin:
        admin.execute(f'CREATE DATABASE "{pg_db}"')
        base = PG_URL.rsplit("/", 1)[0].split("://", 1)[1]
        try:
            rows.append(bench_forms("signup, PostgreSQL", f"postgresql+psycopg://{base}/{pg_db}",
                                    tmp))
        finally:
            admin.execute(f'DROP DATABASE "{pg_db}" WITH (FORCE)')
            admin.close()
    bare = rows[0]["rate"]
    print(f"\n{'':20} {'req/s (full load)':>18} {'% of bare':>10} {'p50 ms @100/s':>14} "
          f"{'p99 ms @100/s':>14} {'2xx':>7} {'rows':>7}")
    failed = False
    for row in rows:
        share = 100 * row["rate"] / bare
        print(f"{row['name']:20} {row['rate']:18.0f} {share:9.0f}% {row['p50']:14.1f} "
              f"{row['p99']:14.1f} {row['ok'] if row['ok'] is not None else '-':>7} "
              f"{row['rows'] if row['rows'] is not None else '-':>7}")
        if row["ok"] is not None:
            failed |= share < 40 or row["p99"] > 50 or row["ok"] != row["rows"]
    print("\ntargets: >= 40% of bare throughput, p99 <= 50 ms at 100 signups/s, 2xx == rows")
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
