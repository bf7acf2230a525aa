"""Run the fault drill: `python -m scripts.drill` from the project's root (`make drill`)."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.forms.freeze_proxy import FreezeProxy  # the tests' proxy, reused

from .faults import Faults
from .load import Load, fetch_slots, rate_limit_probe
from .report import report, say
from .services import Database, Services, availability_toml, drain, free_port
from .settings import (
    BIN,
    BOOKINGS,
    PROBE_LIMIT,
    REDIS_URL,
    ROOT,
    SALES,
    SECONDS,
    SIGNUPS,
    SITE,
    SUPPORT,
)
from .smtp import CountingSMTP, Tarpit


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


if __name__ == "__main__":
    sys.exit(main())
