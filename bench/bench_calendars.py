"""Benchmark GET /booking/slots with every consultant's calendar connected (issue 17).

3 consultants, each with an iCalendar feed of 500 events (a third of them recurring)
served over HTTP on loopback, and 42 days of slots. The service runs in this process
(Flask's test client), so the figures are the endpoint's own work: reading the cache
table, expanding nothing when warm, computing the free slots. Reported, on SQLite and
(when it answers) PostgreSQL:
- p50/p99 of a whole 42-day slots request, cold (the cache table and the process's copies
  emptied before each request, so all three feeds are read and expanded) and warm (the
  reading is reused);
- how many calendar requests a page of slots costs, cold and warm.
Target: warm p99 under 50 ms. BENCH_COLD (20) and BENCH_WARM (300) set the request counts.

The app, the clock, the availability file and the feed server are the booking tests' own
(tests/forms/), which `make bench` puts on the import path.
"""

import os
import random
import shutil
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, timedelta
from pathlib import Path
from time import perf_counter

from booking_helpers import NOW, OFFICE_HOURS, SETTINGS, booking_app
from calendar_helpers import FeedServer

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("FORMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
COLD = int(os.environ.get("BENCH_COLD", "20"))
WARM = int(os.environ.get("BENCH_WARM", "300"))
EVENTS = 500
TARGET_MS = 50.0
CONSULTANTS = ("anna", "erik", "maja")
CONSULTANT = """[[consultants]]
key = "{key}"
name = "{key}"
email = "{key}@normkraft.se"
""" + OFFICE_HOURS + """[consultants.calendar]
ics_url = "{url}"
"""


def feed(seed):
    """500 VEVENTs over the 42 days: a third weekly or daily series, some all-day."""
    rng = random.Random(seed)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Normkraft bench//EN"]
    for number in range(EVENTS):
        day = NOW + timedelta(days=rng.randrange(0, 42))
        start = day.replace(hour=rng.randrange(6, 17), minute=rng.choice((0, 15, 30, 45)))
        lines += ["BEGIN:VEVENT", f"UID:{seed}-{number}@bench", "DTSTAMP:20260101T000000Z"]
        if number % 3 == 0:
            lines.append(f"DTSTART;TZID=Europe/Stockholm:{start:%Y%m%dT%H%M00}")
            lines.append(f"DTEND;TZID=Europe/Stockholm:"
                         f"{start + timedelta(minutes=rng.choice((30, 45, 60))):%Y%m%dT%H%M00}")
            lines.append(rng.choice(("RRULE:FREQ=WEEKLY;COUNT=6", "RRULE:FREQ=DAILY;COUNT=5")))
        elif number % 25 == 1:
            lines += [f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}"]
        else:
            lines.append(f"DTSTART:{start.astimezone(UTC):%Y%m%dT%H%M00Z}")
            finish = start.astimezone(UTC) + timedelta(minutes=rng.choice((15, 30, 60, 90)))
            lines.append(f"DTEND:{finish:%Y%m%dT%H%M00Z}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def start_feeds():
    """The three feeds over HTTP, the requests counted per path."""
    feeds = FeedServer()
    for key in CONSULTANTS:
        feeds.feeds[f"/{key}.ics"] = (200, feed(key))
    return feeds


def requests(feeds):
    return sum(feeds.hits.values())


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(name, database_url, feeds, folder):
    from sqlalchemy import delete

    from forms_service.booking.calendars import forget
    from forms_service.booking.calendars.models import CalendarReading
    from forms_service.db import db

    availability = SETTINGS + "".join(
        CONSULTANT.format(key=key, url=f"{feeds.url}/{key}.ics") for key in CONSULTANTS)
    files = folder / name
    files.mkdir()
    app = booking_app(files, ROOT / "content" / "ebook", availability,
                      SQLALCHEMY_DATABASE_URI=database_url, CALENDAR_CACHE_SECONDS=3600)
    client = app.test_client()
    path = "/booking/slots?from=2026-03-20&to=2026-05-02"

    def timed():
        started = perf_counter()
        response = client.get(path)
        elapsed = (perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, len(response.get_json()["slots"])

    cold, cold_hits = [], []
    for _ in range(COLD):
        with app.app_context():
            db.session.execute(delete(CalendarReading))
            db.session.commit()
            forget()
        before = requests(feeds)
        cold.append(timed()[0])
        cold_hits.append(requests(feeds) - before)
    before = requests(feeds)
    warm, slots = [], 0
    for _ in range(WARM):
        elapsed, slots = timed()
        warm.append(elapsed)
    warm_hits = (requests(feeds) - before) / WARM
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"name": name, "cold": cold, "warm": warm, "slots": slots,
            "cold_hits": statistics.mean(cold_hits), "warm_hits": warm_hits}


def postgres_database():
    try:
        import psycopg

        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - any failure just skips PostgreSQL
        print(f"bench_calendars: PostgreSQL not available ({exc}); skipping it")
        return None, None
    name = "bench_calendars_" + uuid.uuid4().hex[:8]
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0].split("://", 1)[1]
    return admin, (name, f"postgresql+psycopg://{base}/{name}")


def main():
    feeds = start_feeds()
    folder = Path(tempfile.mkdtemp(prefix="bench-calendars-"))
    results = []
    try:
        results.append(run("SQLite", f"sqlite:///{folder / 'forms.sqlite3'}", feeds, folder))
        admin, pg = postgres_database()
        if admin is not None:
            try:
                results.append(run("PostgreSQL", pg[1], feeds, folder))
            finally:
                admin.execute(f'DROP DATABASE "{pg[0]}" WITH (FORCE)')
                admin.close()
    finally:
        feeds.close()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"3 consultants x {EVENTS} events (a third recurring), 42 days of slots; "
          f"{COLD} cold and {WARM} warm requests of GET /booking/slots (whole horizon)")
    print(f"\n{'':12} {'slots':>6} {'cold p50 ms':>12} {'cold p99 ms':>12} {'warm p50 ms':>12} "
          f"{'warm p99 ms':>12} {'calendar requests/page cold':>28} {'warm':>6}")
    missed = False
    for r in results:
        warm_p99 = percentile(r["warm"], 0.99)
        missed |= warm_p99 >= TARGET_MS
        print(f"{r['name']:12} {r['slots']:6} {statistics.median(r['cold']):12.1f} "
              f"{percentile(r['cold'], 0.99):12.1f} {statistics.median(r['warm']):12.1f} "
              f"{warm_p99:12.1f} {r['cold_hits']:28.1f} {r['warm_hits']:6.2f}")
    print(f"target: warm p99 < {TARGET_MS:.0f} ms" + (" - MISSED" if missed else " - met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
