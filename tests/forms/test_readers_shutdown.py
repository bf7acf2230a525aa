"""Nothing lost: beacons into gunicorn, one worker sent SIGTERM mid-run, the desk counts all.

The counts wait in each worker's memory (or in Redis) between flushes; the flush interval
here is longer than the run, so every view reaches the database through the exit flush.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from desk_helpers import staff_client
from forms_helpers import SITE
from readers_helpers import BROWSER, readers_app
from site_helpers import free_port

from forms_service.models import utcnow

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
N = 300
ARTICLE = "/artiklar/kvalitet-i-praktiken/"


def workers_of(master):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                         text=True).stdout
    return sorted(int(pid) for pid in out.split())


def wait_for(port, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def send(port, number):
    """One beacon, sent again if its connection died before the answer (worker restart)."""
    body = json.dumps({"path": ARTICLE, "lang": "sv", "screen": "l"})
    for _attempt in range(50):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            address = f"10.0.{number // 250}.{number % 250}"  # each beacon its own visitor
            conn.request("POST", "/readers/beacon", body=body, headers={
                "Origin": SITE, "User-Agent": BROWSER, "X-Forwarded-For": address})
            status = conn.getresponse().status
        except (ConnectionError, http.client.HTTPException):
            # Refused: nothing was counted (the worker was not there); try again.
            time.sleep(0.05)
            continue
        finally:
            conn.close()
        if status == 204:
            return
    raise AssertionError(f"beacon {number} was never answered")


@pytest.mark.parametrize("store", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_views_survive_sigterm_to_a_worker(request, tmp_path, ebook_source, store):
    database = tmp_path / "forms.sqlite3"
    storage = request.getfixturevalue("redis_url") if store == "redis" else "memory://"
    app = readers_app(tmp_path, ebook_source, utcnow,
                      SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    port = free_port()
    env = {**os.environ, "FORMS_DATABASE_URL": f"sqlite:///{database}",
           "FORMS_AUTO_MIGRATE": "0", "FORMS_OUTBOX_THREAD": "0", "FORMS_SITE_URL": SITE,
           "FORMS_SECRET_KEY": "test", "FORMS_INSTANCE_PATH": str(tmp_path / "instance"),
           "FORMS_EBOOK_SOURCE_DIR": str(ebook_source),
           "FORMS_EBOOK_DIR": str(tmp_path / "private-ebook"), "FORMS_PROXY_COUNT": "1",
           "FORMS_RATELIMIT_STORAGE_URL": storage, "FORMS_READERS_FLUSH_SECONDS": "600"}
    log = open(tmp_path / "gunicorn.log", "w")  # closed below
    master = subprocess.Popen(
        [GUNICORN, "-w", "2", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "20", "forms_service:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_for(port)
        numbers = iter(range(N))
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    number = next(numbers, None)
                if number is None:
                    return
                send(port, number)
                if number == N // 2:
                    os.kill(workers_of(master.pid)[0], signal.SIGTERM)

        threads = [threading.Thread(target=client) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        # The master replaces the worker; its views must be in the database already.
        end = time.monotonic() + 30
        while (tmp_path / "gunicorn.log").read_text().count("Booting worker") < 3:
            assert time.monotonic() < end, "the worker was not replaced"
            time.sleep(0.2)
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(60)
        log.close()
    output = "\n".join(line for line in (tmp_path / "gunicorn.log").read_text().splitlines()
                       if "forms_service.request" not in line)
    # In memory each worker writes its own at exit; in Redis the first one writes them all.
    assert output.count("pending views at exit") >= (2 if store == "memory" else 1), output
    today = utcnow().date().isoformat()
    html = staff_client(app).get(f"/admin/overview?date_from={today}&date_to={today}"
                                 ).get_data(as_text=True)
    rows = BeautifulSoup(html, "lxml").select("table#readers-weekly tbody tr td")
    assert [int(td.get_text()) for td in rows[:2]] == [N, N], output
