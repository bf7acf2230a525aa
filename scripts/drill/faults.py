"""The faults the drill injects while the load runs, one after the other."""

import os
import subprocess
import time
from datetime import UTC, datetime

from .report import say
from .settings import PG_FREEZE, RESTART_POSTGRES, SECONDS, SMTP_DOWN, SMTP_HANG
from .smtp import socket_owner


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


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

    def _smtp_fault(self, start, stop, seconds, started, ended):
        """start() the fault, note it, stop() it after `seconds`; a window of SMTP trouble."""
        began = utcnow()
        start()
        self.note(started)
        time.sleep(seconds)
        stop()
        self.smtp_windows.append((began, utcnow()))
        self.note(ended)

    def smtp_outage(self):
        self._smtp_fault(self.smtp.down, self.smtp.up, SMTP_DOWN,
                         f"SMTP down for {SMTP_DOWN:.0f} s", "SMTP back")

    def freeze_postgres(self):
        """PostgreSQL hangs: the services' connections stay open and get no answer."""
        self.pg_proxy.freeze()
        self.note(f"PostgreSQL frozen for {PG_FREEZE:.0f} s (a proxy holds every byte)")
        time.sleep(PG_FREEZE)
        self.pg_proxy.thaw()
        self.note("PostgreSQL answers again")

    def hang_smtp(self):
        """SMTP accepts connections and never answers."""
        self._smtp_fault(self.smtp.hang, self.smtp.unhang, SMTP_HANG,
                         f"SMTP hangs for {SMTP_HANG:.0f} s (accepts, never answers)",
                         "SMTP answers again")

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
