"""The fault drill (`make drill`): production set-up on loopback, under load and faults.

Two gunicorn instances (deploy/gunicorn.conf.py), two `flask outbox run` workers, a fresh
database on this machine's PostgreSQL, Redis for the shared rate limits and a counting SMTP
server (aiosmtpd, in this process). While signups and bookings arrive, the drill takes SMTP
down, freezes PostgreSQL (a proxy in front of it stops forwarding: the server itself is not
touched), SIGKILLs a worker in the middle of a send, makes SMTP hang (accept, never answer),
restarts PostgreSQL and restarts one gunicorn instance; the webhook receiver hangs for the
whole run. Then it checks that nothing was lost or doubled, that no answer was a 500, and
how long the visitor's mail took from queued to accepted by SMTP; and prints a table.

Sizes: DRILL_SIGNUPS (20000), DRILL_BOOKINGS (500), DRILL_SECONDS (load duration, 150),
DRILL_SMTP_DOWN (30), DRILL_PG_FREEZE (20), DRILL_SMTP_HANG (20), DRILL_THREADS (24),
DRILL_DRAIN_SECONDS (300), DRILL_MAX_CONN_ERRORS (requests allowed to lose their connection
during the restarts; DRILL_THREADS), DRILL_RESTART_POSTGRES (1; 0 leaves the machine's
PostgreSQL server alone, e.g. when others use it). Exit status 1 when a check fails. Not part
of `make test`: it restarts the machine's PostgreSQL server unless DRILL_RESTART_POSTGRES=0.
"""

import collections
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
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "forms"))

from babel.support import Translations  # noqa: E402
from drill_smtp import CountingSMTP, Tarpit, socket_owner  # noqa: E402 - scripts/ is on the path
from freeze_proxy import FreezeProxy  # noqa: E402 - the tests' proxy, reused

from forms_service.booking.messages import TAKEN  # noqa: E402
from forms_service.config import from_environment  # noqa: E402
from forms_service.i18n import CATALOG_DIR, DOMAIN, compile_catalogs  # noqa: E402

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
# One answer; status is the HTTP status or "conn-error" (body then says why), started the
# time.monotonic() it was sent and seconds how long it took.
Answer = collections.namedtuple("Answer", "kind email lang status body seconds started")
FAILURE_MSGID = "Oops! Something went wrong. Get in touch with %(email)s"
# Short lease, backoff and breaker pauses, so the drill's faults heal within minutes instead
# of hours. The lease still outlasts the PostgreSQL freeze: a worker that sent a mail just
# before it keeps the message until it can record the send (no second copy).
WORKER_CONFIG = {"OUTBOX_LEASE_SECONDS": 60, "OUTBOX_CLAIM_SECONDS": 10,
                 "OUTBOX_POLL_SECONDS": 0.5, "OUTBOX_BATCH": 10,
                 "OUTBOX_BACKOFF_SECONDS": 2.0, "OUTBOX_BACKOFF_MAX_SECONDS": 8.0,
                 "OUTBOX_BREAKER_SECONDS": 2.0, "OUTBOX_BREAKER_MAX_SECONDS": 8.0,
                 "OUTBOX_MAX_ATTEMPTS": 200}


def say(message):
    print(f"[drill {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def free_port():
    import socket

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


class Client:
    """One visitor session (cookie and CSRF token), posting like forms.js to either instance."""

    def __init__(self, ports):
        self.ports = ports
        self.cookie = self.token = None

    def _session(self):
        for port in self.ports:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", "/forms/csrf")
                response = conn.getresponse()
                body = response.read()
                if response.status == 200:
                    self.token = json.loads(body)["csrf_token"]
                    self.cookie = response.getheader("Set-Cookie").split(";")[0]
                    return
            except (OSError, http.client.HTTPException):
                continue
            finally:
                conn.close()
        raise ConnectionError("no instance gave a CSRF token")

    def post(self, n, path, fields, ip):
        """POST to instance n % 2, the other one when refused; (status, body, failovers)."""
        if self.token is None:
            self._session()
        body = urlencode(fields, doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Accept": "application/json", "Origin": SITE, "X-CSRFToken": self.token,
                   "Cookie": self.cookie, "X-Forwarded-For": ip,
                   "X-Request-ID": f"drill-{uuid.uuid4().hex}"}
        order = [self.ports[n % 2], self.ports[(n + 1) % 2]]
        for failovers, port in enumerate(order):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.connect()
            except ConnectionRefusedError:
                conn.close()
                continue  # nothing was sent: like nginx, try the next instance
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.read(), failovers
            except (OSError, http.client.HTTPException) as exc:
                return "conn-error", repr(exc).encode(), failovers
            finally:
                conn.close()
        return "conn-error", BOTH_REFUSED, 2


class Load:
    """Signups and bookings at a steady pace over SECONDS, from THREADS threads."""

    def __init__(self, ports, slots):
        self.ports, self.slots = ports, slots
        self.results = []  # Answer
        self.failovers = 0
        self.lock = threading.Lock()
        self.tasks = sorted(
            [(n * SECONDS / max(SIGNUPS, 1), "signup", n) for n in range(SIGNUPS)]
            + [(n * SECONDS / max(BOOKINGS, 1), "booking", n) for n in range(BOOKINGS)])
        self.next = 0

    def signup_fields(self, n):
        lang = ("sv", "en")[n % 2]
        return lang, {"name": f"Drill Reader {n}", "email": f"drill-{n}@example.com",
                      "consent": "y", "lang": lang, "elapsed": "5000"}

    def booking_fields(self, n):
        lang = ("sv", "en")[n % 2]
        # Spread over every slot; with more bookings than meetings some collide on purpose.
        start = self.slots[n % len(self.slots)]
        return lang, {"name": f"Drill Booker {n}", "email": f"booker-{n}@example.org",
                      "company": "Drill AB", "topic": ["iso9001"], "start": start,
                      "consent": "y", "lang": lang, "elapsed": "5000", "tz": "Europe/Stockholm"}

    def run(self):
        began = time.monotonic()
        threads = [threading.Thread(target=self._work, args=(began,)) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - began

    def _work(self, began):
        client = Client(self.ports)
        while True:
            with self.lock:
                if self.next >= len(self.tasks):
                    return
                at, kind, n = self.tasks[self.next]
                self.next += 1
            delay = began + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if kind == "signup":
                lang, fields = self.signup_fields(n)
                # Five signups per address: far below the per-address limit.
                ip, path = f"10.{n // 5 // 65536 % 256}.{n // 5 // 256 % 256}.{n // 5 % 256}", \
                    "/forms/ebook"
            else:
                lang, fields = self.booking_fields(n)
                ip, path = f"10.250.{n // 256 % 256}.{n % 256}", "/forms/booking"
            self.record(client, n, kind, path, fields, lang, ip)

    def record(self, client, n, kind, path, fields, lang, ip):
        answer, failovers = send(client, n, kind, path, fields, lang, ip)
        with self.lock:
            self.failovers += failovers
            self.results.append(answer)


def send(client, n, kind, path, fields, lang, ip):
    """POST one form; (Answer, failovers)."""
    started, clock = time.monotonic(), time.perf_counter()
    try:
        status, body, failovers = client.post(n, path, fields, ip)
    except ConnectionError as exc:
        status, body, failovers = "conn-error", str(exc).encode(), 0
    seconds = time.perf_counter() - clock
    return Answer(kind, fields["email"], lang, status, body, seconds, started), failovers


def fetch_slots(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/forms/booking/slots")
        slots = json.loads(conn.getresponse().read())["slots"]
    finally:
        conn.close()
    # Leave out the first day: a slot must stay at least 24 hours ahead during the drill.
    soon = datetime.now(UTC).timestamp() + 26 * 3600
    return [s["start"] for s in slots if datetime.fromisoformat(s["start"]).timestamp() > soon]


class Faults:
    """The scheduled faults, run one after the other in a thread; each notes what it did."""

    def __init__(self, smtp, services, database, pg_proxy=None):
        self.smtp, self.services, self.database = smtp, services, database
        self.pg_proxy = pg_proxy
        self.events = []
        # (what, began, ended) in time.monotonic(): connection errors are allowed only then.
        self.restarts = []
        # (began, ended) in naive UTC: SMTP down, hung or holding mail.
        self.smtp_windows = []

    def note(self, message):
        self.events.append(message)
        say(message)

    def run(self, began):
        plan = [(0.05, self.smtp_outage), (0.25, self.freeze_postgres),
                (0.40, self.kill_worker_mid_send), (0.50, self.hang_smtp),
                (0.60, self.restart_postgres), (0.80, self.restart_gunicorn)]
        if not RESTART_POSTGRES:
            plan.remove((0.60, self.restart_postgres))
        for fraction, fault in plan:
            delay = began + fraction * SECONDS - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                fault()
            except Exception as exc:  # noqa: BLE001 - reported as a failed fault, drill goes on
                self.note(f"FAULT FAILED {fault.__name__}: {exc!r}")

    def smtp_outage(self):
        began = utcnow()
        self.smtp.down()
        self.note(f"SMTP down for {SMTP_DOWN:.0f} s")
        time.sleep(SMTP_DOWN)
        self.smtp.up()
        self.smtp_windows.append((began, utcnow()))
        self.note("SMTP back")

    def freeze_postgres(self):
        """PostgreSQL hangs: the services' connections stay open and get no answer."""
        self.pg_proxy.freeze()
        self.note(f"PostgreSQL frozen for {PG_FREEZE:.0f} s (a proxy holds every byte)")
        time.sleep(PG_FREEZE)
        self.pg_proxy.thaw()
        self.note("PostgreSQL answers again")

    def hang_smtp(self):
        """SMTP accepts connections and never answers."""
        began = utcnow()
        self.smtp.hang()
        self.note(f"SMTP hangs for {SMTP_HANG:.0f} s (accepts, never answers)")
        time.sleep(SMTP_HANG)
        self.smtp.unhang()
        self.smtp_windows.append((began, utcnow()))
        self.note("SMTP answers again")

    def kill_worker_mid_send(self):
        handler = self.smtp.handler
        began = utcnow()
        handler.stall.set()  # hold every DATA: a send is now in flight in each busy worker
        pids = {w.pid: n for n, w in enumerate(self.services.workers)}
        victim = None
        deadline = time.monotonic() + 20
        while victim is None and time.monotonic() < deadline:
            for port in list(handler.stalled):
                owner = socket_owner(port, self.smtp.port, pids)
                if owner is not None:
                    victim = pids[owner]
                    break
            time.sleep(0.05)
        if victim is None:
            handler.stall.clear()
            raise RuntimeError("no worker had a send in flight within 20 s")
        process = self.services.workers[victim]
        process.kill()
        process.wait()
        self.note(f"worker {victim + 1} (pid {process.pid}) SIGKILLed while its mail was "
                  "held by SMTP")
        time.sleep(1)
        handler.stall.clear()
        self.smtp_windows.append((began, utcnow()))
        time.sleep(2)
        self.services.start_worker(victim)
        self.note(f"worker {victim + 1} restarted")

    def restart_postgres(self):
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        started = time.monotonic()
        try:
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                            "restart"], check=True, capture_output=True, timeout=120)
            up = self.database.wait_up()
        finally:
            self.restarts.append(("PostgreSQL", started, time.monotonic()))
        self.note(f"PostgreSQL {version} restarted; "
                  f"{'up again' if up else 'NOT up'} after {time.monotonic() - started:.1f} s")

    def restart_gunicorn(self):
        process = self.services.web[1]
        started = time.monotonic()
        try:
            process.terminate()  # graceful: requests in flight finish, new ones are refused
            process.wait(60)
            self.services.start_web(1)  # returns once /forms/ready answers
        finally:
            self.restarts.append(("gunicorn instance 2", started, time.monotonic()))
        self.note(f"gunicorn instance 2 restarted in {time.monotonic() - started:.1f} s")


def rate_limit_probe(ports):
    """PROBE_REQUESTS signups from one address, alternating instances: PROBE_LIMIT get through."""
    client = Client(ports)
    answers = []
    for n in range(PROBE_REQUESTS):
        lang = ("sv", "en")[n % 2]
        fields = {"name": "Probe", "email": f"probe-{n}@example.com", "consent": "y",
                  "lang": lang, "elapsed": "5000"}
        answer, _ = send(client, n, "signup", "/forms/ebook", fields, lang, PROBE_IP)
        answers.append(answer)
    return answers


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


def expected_messages():
    """The failure and taken-slot messages in sv and en, from the service's own catalogs."""
    with tempfile.TemporaryDirectory() as compiled:
        compile_catalogs(CATALOG_DIR, compiled)
        catalogs = {lang: Translations.load(compiled, [lang], DOMAIN) for lang in ("sv", "en")}
    failure = {lang: t.ugettext(FAILURE_MSGID) % {"email": SUPPORT} for lang, t in catalogs.items()}
    taken = {lang: t.ugettext(TAKEN) for lang, t in catalogs.items()}
    return failure, taken


def check_answers(results):
    """Problems with non-2xx answers: only 429/503 (and 409 for a taken slot), localized.

    Connection errors are check_connections()'s.
    """
    failure, taken = expected_messages()
    allowed = {"signup": {429, 503}, "booking": {409, 429, 503}}
    problems = collections.Counter()
    for answer in results:
        kind, lang, status, body = answer.kind, answer.lang, answer.status, answer.body
        if status == "conn-error" or 200 <= status < 300:
            continue
        if status not in allowed[kind]:
            problems[f"{kind} answered {status}"] += 1
            continue
        try:
            message = json.loads(body)["message"]
        except (ValueError, KeyError):
            problems[f"{kind} {status} without a JSON message"] += 1
            continue
        want = taken[lang] if status == 409 else failure[lang]
        if message != want or b"Traceback" in body:
            problems[f"{kind} {status} with message {message!r}"] += 1
    return problems


def during_restart(answer, restarts):
    """Whether the request was on its way while a restart (with RESTART_GRACE) went on."""
    ended = answer.started + answer.seconds
    return any(began - RESTART_GRACE <= ended and answer.started <= until + RESTART_GRACE
               for _, began, until in restarts)


def check_connections(results, restarts, limit=None):
    """Failed checks for requests that got no answer; (failures, count during restarts).

    Allowed only while a restart is in progress, and at most limit (MAX_CONN_ERRORS) of
    them. Never allowed: a timeout (a request left hanging is no failover), and both
    instances refusing (one is always up).
    """
    limit = MAX_CONN_ERRORS if limit is None else limit
    during, never = 0, collections.Counter()
    for answer in results:
        if answer.status != "conn-error":
            continue
        reason = answer.body.decode(errors="replace")[:80]
        if answer.body == BOTH_REFUSED or "timed out" in reason or "Timeout" in reason:
            never[reason] += 1
        elif during_restart(answer, restarts):
            during += 1
        else:
            never[f"outside a restart: {reason}"] += 1
    failures = [f"connection error {reason}: {count}" for reason, count in sorted(never.items())]
    if during > limit:
        failures.append(f"connection errors during the restarts: {during}, at most {limit} "
                        "allowed (DRILL_MAX_CONN_ERRORS)")
    return failures, during


def check_logs(workdir):
    """Every web log line is JSON; request lines carry a request id; count 500s and tracebacks."""
    lines = bad = without_id = server_errors = tracebacks = 0
    for path in sorted(workdir.glob("web*.log")):
        for raw in path.read_text(errors="replace").splitlines():
            lines += 1
            try:
                entry = json.loads(raw)
            except ValueError:
                bad += 1
                continue
            if entry.get("logger") == "forms_service.request":
                without_id += not entry.get("request_id")
                server_errors += entry.get("status") == 500
            tracebacks += "exception" in entry
    return {"lines": lines, "not JSON": bad, "request lines without id": without_id,
            "500 in logs": server_errors, "tracebacks in logs": tracebacks}


def stored(database, smtp):
    """What the database and the SMTP server hold after the drill."""
    (overlaps,), = database.query(
        "SELECT count(*) FROM bookings a JOIN bookings b ON a.consultant = b.consultant "
        "AND a.id < b.id AND a.status = 'confirmed' AND b.status = 'confirmed' "
        "AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until")
    return {
        "leads": [e for (e,) in database.query("SELECT email FROM leads")],
        # email -> e-book mails queued for it
        "queued": dict(database.query(
            "SELECT l.email, count(o.id) FROM leads l LEFT JOIN outbox o "
            "ON o.lead_id = l.id AND o.kind = 'ebook' GROUP BY l.email")),
        "booked": [e for (e,) in database.query(
            "SELECT email FROM bookings WHERE status = 'confirmed'")],
        "overlaps": overlaps,
        "outbox": dict(database.query(
            "SELECT status, count(*) FROM outbox WHERE kind <> 'webhook' GROUP BY status")),
        "webhooks": dict(database.query(
            "SELECT status, count(*) FROM outbox WHERE kind = 'webhook' GROUP BY status")),
        "mails": smtp.handler.received,  # recipient -> accepted mails
        "mails_total": smtp.handler.total,
        # (queued, accepted by SMTP) of each visitor mail (naive UTC)
        "visitor_mails": visitor_mail_times(database, smtp.handler.accepted_at),
    }


def visitor_mail_times(database, accepted_at):
    """(queued, accepted) for every visitor mail SMTP accepted: the e-book link, bookings."""
    kinds = ", ".join(f"'{kind}'" for kind in VISITOR_KINDS)
    rows = database.query(
        "SELECT o.created_at, coalesce(l.email, b.email) FROM outbox o "
        "LEFT JOIN leads l ON l.id = o.lead_id LEFT JOIN bookings b ON b.id = o.booking_id "
        f"WHERE o.kind IN ({kinds})")
    return [(queued, accepted_at[email.lower()]) for queued, email in rows
            if email and email.lower() in accepted_at]


def mail_delays(times, smtp_windows):
    """Seconds from queued to accepted: (all mails, mails queued once SMTP was back).

    "Back" is the end of the last SMTP fault (down, holding mail, hanging): mail queued
    earlier waited for SMTP itself, which says nothing about the lanes.
    """
    back = max((ended for _, ended in smtp_windows), default=None)
    every, smtp_up = [], []
    for queued, accepted in times:
        seconds = (accepted - queued).total_seconds()
        every.append(seconds)
        if back is None or queued >= back:
            smtp_up.append(seconds)
    return sorted(every), sorted(smtp_up)


def verify(database, smtp, results, probe):
    """Compare answers, rows and mails; return (table rows, checks, failed checks)."""
    return tally(results, probe, stored(database, smtp))


def tally(results, probe, facts):
    """Compare the answers with what was stored (see stored()); a 2xx not stored is lost."""
    failed = []
    signup_ok = {a.email for a in results + probe
                 if a.kind == "signup" and a.status != "conn-error" and 200 <= a.status < 300}
    booking_ok = {a.email for a in results
                  if a.kind == "booking" and a.status != "conn-error" and 200 <= a.status < 300}
    leads, queued, booked = facts["leads"], facts["queued"], facts["booked"]
    overlaps, outbox, mails = facts["overlaps"], facts["outbox"], facts["mails"]

    lead_set = set(leads)
    lost_rows = signup_ok - lead_set
    row_dups = len(leads) - len(lead_set) + sum(c - 1 for c in queued.values() if c > 1)
    lost_mails = [e for e in lead_set if mails[e] == 0]
    mail_dups = sum(mails[e] - 1 for e in lead_set if mails[e] > 1)
    lost_bookings = booking_ok - set(booked)
    booking_mail_lost = [e for e in booked if mails[e] == 0]
    booking_mail_dups = sum(mails[e] - 1 for e in booked if mails[e] > 1)

    checks = [
        ("every 2xx signup stored", not lost_rows, f"{len(lost_rows)} lost"),
        ("stored exactly once (one lead, one queued mail)", row_dups == 0, f"{row_dups} extra"),
        ("every stored signup mailed", not lost_mails, f"{len(lost_mails)} without mail"),
        ("no signup mailed twice", mail_dups == 0, f"{mail_dups} duplicate mails"),
        ("every 2xx booking stored", not lost_bookings, f"{len(lost_bookings)} lost"),
        ("no slot double-booked", overlaps == 0, f"{overlaps} overlapping pairs"),
        ("every booking confirmed by mail exactly once",
         not booking_mail_lost and booking_mail_dups == 0,
         f"{len(booking_mail_lost)} lost, {booking_mail_dups} duplicates"),
        ("sales told of every booking once", mails[SALES] == len(booked),
         f"{mails[SALES]} mails for {len(booked)} bookings"),
        ("outbox drained, nothing failed", not outbox.get("pending") and not outbox.get(
            "sending") and not outbox.get("failed"), f"{outbox}"),
    ]
    for name, ok, detail in checks:
        if not ok:
            failed.append(f"{name}: {detail}")
    rows = {"signup rows": len(leads), "signups answered 2xx": len(signup_ok),
            "stored without a 2xx answer": len(lead_set - signup_ok),
            "booking rows (confirmed)": len(booked), "bookings answered 2xx": len(booking_ok),
            "mails received": facts["mails_total"],
            "e-book mails": sum(mails[e] for e in lead_set),
            "duplicates (rows + mails)": row_dups + mail_dups + booking_mail_dups,
            "lost (rows + mails)": len(lost_rows) + len(lost_mails) + len(lost_bookings)
            + len(booking_mail_lost), "double-booked slot pairs": overlaps}
    return rows, checks, failed


def percentile(values, q):
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 \
        else values[0]


def print_table(title, rows):
    print(f"\n{title}")
    width = max(len(k) for k in rows)
    for key, value in rows.items():
        print(f"  {key:<{width}}  {value}")


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def main():
    workdir = Path(tempfile.mkdtemp(prefix="forms-drill-"))
    say(f"{SIGNUPS} signups and {BOOKINGS} bookings over {SECONDS:.0f} s; files in {workdir}")
    import redis

    limiter_store = redis.Redis.from_url(REDIS_URL)
    limiter_store.flushdb()
    database = Database()
    smtp = CountingSMTP(free_port())
    smtp.up()
    # The services reach PostgreSQL through a proxy that can freeze; the drill's own
    # checks (Database.query) go straight to the server.
    parts = urlsplit(database.url)
    pg_proxy = FreezeProxy(parts.port or 5432, parts.hostname or "127.0.0.1")
    user = parts.netloc.rpartition("@")[0]
    proxied_url = urlunsplit(parts._replace(
        netloc=f"{user + '@' if user else ''}127.0.0.1:{pg_proxy.port}"))
    hung_crm = Tarpit()  # a webhook receiver that never answers, the whole drill long
    availability = workdir / "availability.toml"
    availability.write_text(availability_toml(BOOKINGS), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
    env.update(FORMS_DATABASE_URL=proxied_url, FORMS_RATELIMIT_STORAGE_URL=REDIS_URL,
               FORMS_WEBHOOK_URLS=f"http://127.0.0.1:{hung_crm.port}/crm/hook",
               FORMS_WEBHOOK_SECRET=uuid.uuid4().hex,
               FORMS_SMTP_URL=f"smtp://127.0.0.1:{smtp.port}?tls=none", FORMS_SITE_URL=SITE,
               FORMS_SECRET_KEY=uuid.uuid4().hex * 2, FORMS_PROXY_COUNT="1",
               FORMS_INSTANCE_PATH=str(workdir / "instance"), FORMS_LOG_FORMAT="json",
               FORMS_RATELIMIT_PER_IP=f"{PROBE_LIMIT}/minute", FORMS_SALES_EMAIL=SALES,
               FORMS_SUPPORT_EMAIL=SUPPORT, FORMS_BOOKING_AVAILABILITY=str(availability),
               FORMS_COOKIE_SECURE="false", FORMS_WORKERS="2")
    services = Services(workdir, env)
    ok = False
    try:
        # As normkraft-migrate.service does before any instance starts.
        subprocess.run([str(BIN / "flask"), "--app", "forms_service", "db", "upgrade"],
                       cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        for n in (0, 1):
            services.start_web(n)
            services.start_worker(n)
        slots = fetch_slots(services.ports[0])
        say(f"instances on ports {services.ports}, {len(slots)} bookable times for 2 "
            f"consultants, SMTP on {smtp.port}, database {database.name}")
        load = Load(services.ports, slots)
        faults = Faults(smtp, services, database, pg_proxy)
        began = time.monotonic()
        fault_thread = threading.Thread(target=faults.run, args=(began,))
        fault_thread.start()
        elapsed = load.run()
        fault_thread.join()
        say(f"load done in {elapsed:.0f} s; rate-limit probe from one address")
        probe = rate_limit_probe(services.ports)
        waited = drain(database)
        say("outbox drained" if waited is not None else "outbox NOT drained in time")
        time.sleep(2)  # a duplicate would arrive now
        ok = report(workdir, database, smtp, load, probe, faults, elapsed)
    finally:
        services.stop_all()
        smtp.down(grace=0)
        hung_crm.close()
        pg_proxy.close()
        if os.environ.get("DRILL_KEEP") != "1":
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)
        limiter_store.flushdb()
        limiter_store.close()
    return 0 if ok else 1


def report(workdir, database, smtp, load, probe, faults, elapsed):
    results = load.results
    by_status = collections.Counter(
        f"{a.kind} {a.status}" for a in results + probe if a.status != "conn-error")
    broken = collections.Counter(a.body.decode(errors="replace")[:80]
                                 for a in results + probe if a.status == "conn-error")
    latencies = sorted(a.seconds for a in results if a.status != "conn-error")
    facts = stored(database, smtp)
    rows, checks, failed = tally(results, probe, facts)
    probe_ok = sum(1 for a in probe if a.status != "conn-error" and 200 <= a.status < 300)
    probe_429 = sum(1 for a in probe if a.status == 429)
    if probe_ok != PROBE_LIMIT:
        failed.append(f"rate limit across instances: {probe_ok} of {PROBE_REQUESTS} accepted, "
                      f"limit {PROBE_LIMIT}")
    answer_problems = check_answers(results + probe)
    failed += [f"{name}: {count}" for name, count in sorted(answer_problems.items())]
    connection_problems, during_restarts = check_connections(results + probe, faults.restarts)
    failed += connection_problems
    every, smtp_up = mail_delays(facts.get("visitor_mails", []),
                                 getattr(faults, "smtp_windows", []))
    delay_ok = not smtp_up or percentile(smtp_up, 99) <= MAIL_DELAY_P99_MAX
    if not delay_ok:
        failed.append(f"visitor mail p99 {percentile(smtp_up, 99):.0f} s after SMTP was back, "
                      f"at most {MAIL_DELAY_P99_MAX:.0f} s")
    logs = check_logs(workdir)
    if logs["not JSON"] or logs["request lines without id"] or logs["500 in logs"]:
        failed.append(f"logs: {logs}")
    if any(event.startswith("FAULT FAILED") for event in faults.events):
        failed.append("a fault could not be injected")

    table = {"requests (load)": f"{len(results)} in {elapsed:.0f} s "
                                f"({len(results) / elapsed:.0f}/s)",
             **{f"answers {key}": value for key, value in sorted(by_status.items())},
             "connection errors": f"{sum(broken.values())} ({during_restarts} during the "
                                  f"restarts, at most {MAX_CONN_ERRORS} allowed)",
             **{f"  {reason}": count for reason, count in broken.most_common(3)},
             "refused, sent to the other instance": load.failovers,
             **rows,
             "rate-limit probe": f"{probe_ok} accepted, {probe_429} x 429 of {PROBE_REQUESTS} "
                                 f"(limit {PROBE_LIMIT}/min, shared via Redis)",
             "latency p50": f"{percentile(latencies, 50) * 1000:.0f} ms",
             "latency p99": f"{percentile(latencies, 99) * 1000:.0f} ms",
             "visitor mail delay, queued -> SMTP (all)":
                 f"p50 {percentile(every, 50):.1f} s, p99 {percentile(every, 99):.1f} s "
                 f"({len(every)} mails)",
             "visitor mail delay, queued once SMTP was back":
                 f"p50 {percentile(smtp_up, 50):.1f} s, p99 {percentile(smtp_up, 99):.1f} s "
                 f"({len(smtp_up)} mails)",
             "webhooks to the hung receiver": f"{facts.get('webhooks', {})}",
             **{f"log {key}": value for key, value in logs.items()}}
    print_table("Faults", {f"{n + 1}": event for n, event in enumerate(faults.events)})
    print_table("Drill results", table)
    print("\nChecks")
    for name, ok, detail in checks:
        print(f"  {'ok  ' if ok else 'FAIL'}  {name}" + ("" if ok else f" ({detail})"))
    print(f"  {'ok  ' if probe_ok == PROBE_LIMIT else 'FAIL'}  rate limit holds across "
          "both instances")
    print(f"  {'ok  ' if not answer_problems else 'FAIL'}  non-2xx answers are 429/503 "
          "(409 for a taken slot), localized, no stack trace")
    print(f"  {'ok  ' if delay_ok else 'FAIL'}  visitor mail queued once SMTP was back reaches "
          f"it within {MAIL_DELAY_P99_MAX:.0f} s (p99), the webhook receiver hanging")
    print(f"  {'ok  ' if not connection_problems else 'FAIL'}  connection errors only while "
          f"a restart is in progress, at most {MAX_CONN_ERRORS}, no timeouts")
    for problem in failed:
        say(f"FAILED: {problem}")
    say("all checks passed" if not failed else f"{len(failed)} check(s) failed")
    return not failed


if __name__ == "__main__":
    sys.exit(main())
