"""What the drill runs: a fresh PostgreSQL database, gunicorn instances and outbox workers."""

import http.client
import socket
import subprocess
import time
import uuid

from forms_service.config import from_environment

from .settings import BIN, DRAIN_SECONDS, PG_URL, ROOT, WORKER_CONFIG


def free_port():

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def availability_toml(bookings):
    """Two consultants, eight meetings a day each, a horizon sized so ~10% of bookings collide.

    About 0.45 x bookings meeting times: two consultants take 0.9 x bookings of them.
    """
    weekdays = max(2, -(-bookings * 45 // 800))
    horizon = 2 + -(-weekdays * 7 // 5)
    hours = "\n".join(f'{day} = ["09:00-17:00"]' for day in ("mon", "tue", "wed", "thu", "fri"))
    consultants = "".join(
        f'\n[[consultants]]\nkey = "c{n}"\nname = "Consultant {n}"\n'
        f'email = "c{n}@drill.example"\n[consultants.hours]\n{hours}\n' for n in (1, 2))
    return (f"meeting_minutes = 45\nbuffer_minutes = 15\nmin_notice_hours = 24\n"
            f"horizon_days = {horizon}\nholiday_country = \"SE\"\n{consultants}")


class Database:
    """A fresh database on the machine's PostgreSQL server, dropped afterwards."""

    def __init__(self):
        import psycopg

        self.psycopg = psycopg
        self.name = "forms_drill_" + uuid.uuid4().hex[:8]
        with psycopg.connect(PG_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        self.url = PG_URL.rsplit("/", 1)[0] + "/" + self.name

    def query(self, sql):
        with self.psycopg.connect(self.url, connect_timeout=5) as conn:
            return conn.execute(sql).fetchall()

    def wait_up(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.query("SELECT 1")
                return True
            except self.psycopg.OperationalError:
                time.sleep(0.5)
        return False

    def drop(self):
        with self.psycopg.connect(PG_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Services:
    """The gunicorn instances and outbox workers, each a process writing JSON logs to a file."""

    def __init__(self, workdir, env):
        self.workdir, self.env = workdir, env
        self.ports = [free_port(), free_port()]
        self.web = [None, None]
        self.workers = [None, None]

    def _spawn(self, name, args, extra_env):
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(args, cwd=ROOT, env={**self.env, **extra_env},
                                   stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return process

    def start_web(self, n):
        self.web[n] = self._spawn(f"web{n + 1}", [str(BIN / "gunicorn"), "-c",
                                                  "deploy/gunicorn.conf.py"],
                                  {"FORMS_BIND": f"127.0.0.1:{self.ports[n]}"})
        if not wait_http(self.ports[n], "/forms/ready", 60):
            raise SystemExit(f"drill: gunicorn on port {self.ports[n]} did not start "
                             f"(see {self.workdir}/web{n + 1}.log)")

    def start_worker(self, n):
        # A config given to create_app replaces the environment: read the worker's here.
        config = {**from_environment(self.env), **WORKER_CONFIG}
        app = f"forms_service:create_app({config!r})"
        self.workers[n] = self._spawn(f"worker{n + 1}",
                                      [str(BIN / "flask"), "--app", app, "outbox", "run"], {})

    def stop_all(self):
        for process in self.web + self.workers:
            if process and process.poll() is None:
                process.terminate()
        for process in self.web + self.workers:
            if process:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()


def wait_http(port, path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.3)
    return False


def drain(database):
    """Wait until the outbox holds no mail (bounded); return the seconds waited.

    Webhooks are left out: their receiver hangs for the whole drill.
    """
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        try:
            (waiting,), = database.query(
                "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending') "
                "AND kind <> 'webhook'")
        except Exception:  # noqa: BLE001 - the database may still be settling
            waiting = None
        if waiting == 0:
            return time.monotonic() - started
        time.sleep(1)
    return None
