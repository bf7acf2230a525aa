"""The visitors: signups and bookings from many threads, and the rate-limit probe."""

import collections
import http.client
import json
import threading
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from .settings import (
    BOOKINGS,
    BOTH_REFUSED,
    PROBE_IP,
    PROBE_REQUESTS,
    SECONDS,
    SIGNUPS,
    SITE,
    THREADS,
)

# One answer; status is the HTTP status or "conn-error" (body then says why), started the
# time.monotonic() it was sent and seconds how long it took.
Answer = collections.namedtuple("Answer", "kind email lang status body seconds started")


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
