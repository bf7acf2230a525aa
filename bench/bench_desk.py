"""Benchmark the sales desk with a real year of data in PostgreSQL.

Seeds 100,000 e-book leads and 10,000 bookings (with follow-ups) into a fresh database,
then measures the overview and the lists through the app (Flask's test client, one
process): BENCH_DESK_REQUESTS (30) timed requests per page after a warm-up. Prints p50 and
p95 per page against the target (p95 <= 300 ms), and EXPLAINs every SQL statement each page
ran: a page that filters leads or bookings fails when a plan reads that table whole
(Seq Scan) instead of through an index. Exits 1 when a page misses either.
"""

import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

PG_URL = os.environ.get("FORMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REQUESTS = int(os.environ.get("BENCH_DESK_REQUESTS", "30"))
LEADS, BOOKINGS = 100_000, 10_000
TARGET_MS = 300
# BENCH_DESK_PLANS="leads, search;overview (12 weeks)": also print those pages' plans.
SHOW_PLANS = set(filter(None, os.environ.get("BENCH_DESK_PLANS", "").split(";")))
ARTICLES = [f"/artiklar/artikel-{n}/" for n in range(12)] + [
    f"/en/articles/article-{n}/" for n in range(8)]
STANDARDS = ["iso9001", "iso14001", "iso27001", "iso45001", None]

SEED_SQL = """
INSERT INTO leads (email, name, language, page_url, referrer, utm_source, utm_medium,
                   utm_campaign, created_at, last_requested_at, confirmed_at)
SELECT 'lead' || i || '@example.com', 'Lead ' || i,
       CASE WHEN i % 3 = 0 THEN 'en' ELSE 'sv' END,
       'https://www.normkraft.se' || (ARRAY[{articles}])[1 + i % {article_count}]
         || CASE WHEN i % 4 = 0 THEN '?utm_source=linkedin&utm_campaign=host' ELSE '' END,
       CASE WHEN i % 5 = 0 THEN 'https://www.google.com/' END,
       (ARRAY['linkedin', 'google', 'newsletter', NULL])[1 + i % 4],
       (ARRAY['social', 'cpc', 'email', NULL])[1 + i % 4],
       (ARRAY['host', 'var', NULL])[1 + i % 3],
       now() AT TIME ZONE 'UTC' - i * interval '315 seconds',
       now() AT TIME ZONE 'UTC' - i * interval '315 seconds',
       CASE WHEN i % 5 < 3 THEN now() AT TIME ZONE 'UTC' - i * interval '315 seconds'
            + interval '10 minutes' END
-- Oldest first, as signups arrive: ids and indexes grow the way they do in use.
FROM generate_series({leads}, 1, -1) AS i;

INSERT INTO bookings (uid, consultant, starts_at, ends_at, blocked_until, status, sequence,
                      name, email, company, topics, message, language, consent_text,
                      consent_version, page_url, referrer, utm_source, utm_medium,
                      utm_campaign, created_at, cancelled_at, cancelled_by)
SELECT 'b' || i || '@bench', (ARRAY['anna', 'erik'])[1 + i % 2],
       s, s + interval '45 minutes', s + interval '60 minutes',
       CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END, 0,
       'Lead ' || (i * 10), 'Lead' || (i * 10) || '@Example.com', 'Company ' || i, 'iso9001',
       '', CASE WHEN i % 3 = 0 THEN 'en' ELSE 'sv' END, 'ok', '2026-11-01',
       'https://www.normkraft.se' || (ARRAY[{articles}])[1 + i % {article_count}],
       'https://www.linkedin.com/', (ARRAY['linkedin', 'google', NULL])[1 + i % 3], NULL,
       NULL, s - interval '7 days',
       CASE WHEN i % 10 = 0 THEN s - interval '1 day' END,
       CASE WHEN i % 10 = 0 THEN 'visitor' END
FROM (SELECT i, date_trunc('hour', now() AT TIME ZONE 'UTC') - interval '150 days'
             + (i / 2) * interval '1 hour' AS s
      FROM generate_series(1, {bookings}) AS i) AS slots;

INSERT INTO booking_follow_ups (booking_id, status, notes, updated_at)
SELECT id, (ARRAY['held', 'won', 'lost', 'no-show'])[1 + id % 4], '', now()
FROM bookings WHERE status = 'confirmed' AND starts_at < now() AT TIME ZONE 'UTC'
  AND id % 3 = 0;

UPDATE bookings SET replaced_by = id + 1, cancelled_by = NULL
WHERE id % 50 = 0 AND status = 'cancelled';
"""
# After a bulk load autovacuum would vacuum the tables (PostgreSQL 13+ also does so after
# inserts); the bench does it at once so the visibility map allows index-only scans.
VACUUM = ("VACUUM ANALYZE leads", "VACUUM ANALYZE bookings",
          "VACUUM ANALYZE booking_follow_ups")

# (label, path, tables the page must not read whole). Reading every lead is the right plan
# for the overview of a whole year in all languages, and the funnel counts every booking.
# Moved meetings are found through the few rows they replaced (ix_bookings_replaced_by);
# PostgreSQL then rightly reads the bookings (10,000 rows, about 5 ms) rather than look
# each one up.
BOTH = ("leads", "bookings")
PAGES = [
    ("overview (12 weeks)", "/admin/overview", ("leads",)),
    ("overview, a year", "/admin/overview?date_from={year_ago}", ()),
    ("overview, en, a year", "/admin/overview?language=en&date_from={year_ago}", ("leads",)),
    ("leads", "/admin/leads", BOTH),
    ("leads, page 50", "/admin/leads?page=50", BOTH),
    ("leads, iso9001 + en", "/admin/leads?standard=iso9001&language=en", BOTH),
    ("leads, source", "/admin/leads?source={source}", BOTH),
    ("leads, confirmed + sv", "/admin/leads?status=confirmed&language=sv", BOTH),
    ("leads, search", "/admin/leads?q=lead777", BOTH),
    ("bookings", "/admin/bookings", BOTH),
    ("bookings, held", "/admin/bookings?status=held", BOTH),
    ("bookings, moved", "/admin/bookings?status=moved", ("leads",)),
    ("bookings, en + iso9001", "/admin/bookings?language=en&standard=iso9001", BOTH),
    ("bookings, search", "/admin/bookings?q=company+77", BOTH),
    ("person", "/admin/people/lead/{lead_id}", BOTH),
]


def seed(url):
    """Load the data set (outside the app: its statement deadline is for requests)."""
    import psycopg

    articles = ", ".join(f"'{path}'" for path in ARTICLES)
    sql = SEED_SQL.format(articles=articles, article_count=len(ARTICLES), leads=LEADS,
                          bookings=BOOKINGS)
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            for statement in filter(None, (part.strip() for part in sql.split(";"))):
                conn.execute(statement)
        for statement in VACUUM:
            conn.execute(statement)
        return conn.execute("SELECT max(id) FROM leads").fetchone()[0]


def write_articles(path):
    entries = {}
    for number, article in enumerate(ARTICLES):
        lang = "en" if article.startswith("/en/") else "sv"
        entries[article] = {"title": f"Artikel {number}", "lang": lang,
                            "standard": STANDARDS[number % len(STANDARDS)],
                            "translation_key": f"k{number % 12}"}
    path.write_text(json.dumps({"version": 1, "articles": entries}), encoding="utf-8")


class Statements:
    """The SELECTs the app sends while on (with their parameters), and time per statement."""

    def __init__(self):
        self.on, self.seen, self.started, self.spent = False, {}, {}, {}

    def before(self, conn, cursor, statement, parameters, context, executemany):
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.seen.setdefault(statement, parameters)
        self.started[id(cursor)] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        began = self.started.pop(id(cursor), None)
        if began is not None:
            total, calls = self.spent.get(statement, (0.0, 0))
            self.spent[statement] = (total + time.perf_counter() - began, calls + 1)

    def slowest(self, count=5):
        ranked = sorted(self.spent.items(), key=lambda item: -item[1][0] / item[1][1])
        return [(" ".join(statement.split())[:160], total / calls * 1000)
                for statement, (total, calls) in ranked[:count]]


def plans(app, statements):
    """[(statement, plan)]: each statement as PostgreSQL runs it, EXPLAIN ANALYZE."""
    from forms_service.db import db

    found = []
    with app.app_context(), db.engine.connect() as conn:
        for statement, parameters in statements.items():
            found.append((statement, "\n".join(row[0] for row in conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF) " + statement, parameters))))
    return found


def whole_reads(plan, tables):
    """The tables of tables that plan reads whole (a sequential scan)."""
    return sorted({table for table in tables
                   for line in plan.splitlines() if f"Seq Scan on {table} " in line + " "})


def indexes_used(found):
    """The names of the leads' and bookings' indexes the plans read."""
    names = set()
    for _statement, plan in found:
        for line in plan.splitlines():
            words = line.split()
            # "Index Only Scan using ix_name on leads [alias]", "Bitmap Index Scan on ix_name"
            at = words.index("using") if "using" in words else -1
            if at >= 0 and words[at + 2:at + 4][-1:] in (["leads"], ["bookings"]):
                names.add(words[at + 1])
            elif "Bitmap Index Scan on" in line:
                name = words[words.index("on") + 1]
                if name.startswith(("ix_leads", "ix_bookings")):
                    names.add(name)
    return sorted(names)


def measure(client, path):
    """[ms] of REQUESTS requests of path."""
    times = []
    for _ in range(REQUESTS):
        begin = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, path
    return times


def main():
    import psycopg
    from desk_helpers import add_staff, log_in
    from forms_helpers import make_app
    from sqlalchemy import event

    from forms_service.db import db

    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"bench_desk: PostgreSQL not available ({exc})")
        return 1
    name = "forms_bench_desk_" + uuid.uuid4().hex[:8]
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    url = f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            (tmp / "ebook").mkdir()
            for lang in ("sv", "en"):
                (tmp / "ebook" / f"{lang}.md").write_text("# E-bok\n\nText.\n")
            # DESK_SOURCES_SECONDS as in production (the tests turn the cache off).
            app = make_app(tmp, tmp / "ebook", SQLALCHEMY_DATABASE_URI=url,
                           DESK_ARTICLES_FILE=str(tmp / "articles.json"),
                           DESK_SOURCES_SECONDS=60)
            write_articles(tmp / "articles.json")
            # The app logs every request: quiet here, the table below is the bench's output.
            logging.disable(logging.INFO)
            started = time.perf_counter()
            lead_id = seed(f"{base}/{name}")
            print(f"seeded {LEADS:,} leads and {BOOKINGS:,} bookings in "
                  f"{time.perf_counter() - started:.1f} s")
            add_staff(app)
            client = app.test_client()
            assert log_in(client).status_code == 303
            statements = Statements()
            with app.app_context():
                event.listen(db.engine, "before_cursor_execute", statements.before)
                event.listen(db.engine, "after_cursor_execute", statements.after)
            year_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 365 * 86400))
            source = quote("https://www.normkraft.se" + ARTICLES[3], safe="")
            failed, problems, shown = False, [], []
            print(f"\n{'page':24} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
                  f"{'<=' + str(TARGET_MS) + ' ms':>9}  plans (indexes of leads/bookings read)")
            for label, path, tables in PAGES:
                path = path.format(year_ago=year_ago, lead_id=lead_id // 2, source=source)
                statements.on, statements.seen = True, {}
                assert client.get(path).status_code == 200, path  # warm-up, and the SQL
                statements.on = False
                times = measure(client, path)
                p95 = statistics.quantiles(times, n=20)[-1]
                found = plans(app, statements.seen)
                scans = [(statement, plan, whole_reads(plan, tables))
                         for statement, plan in found if whole_reads(plan, tables)]
                problems += [(label, *scan) for scan in scans]
                if label in SHOW_PLANS:
                    shown += [(label, statement, plan) for statement, plan in found]
                failed |= p95 > TARGET_MS or bool(scans)
                verdict = "pass" if p95 <= TARGET_MS else "FAIL"
                reads = (f"FAIL: {len(scans)} read " + "/".join(scans[0][2]) + " whole"
                         if scans else "ok") + f" ({', '.join(indexes_used(found))})"
                print(f"{label:24} {statistics.median(times):7.1f} {p95:7.1f} "
                      f"{max(times):7.1f} {verdict:>9}  {reads}")
            print("\nslowest statements (mean ms per run):")
            for statement, ms in statements.slowest():
                print(f"{ms:8.1f}  {statement}")
            for label, statement, plan in shown:
                print(f"\n{label}:\n" + " ".join(statement.split())[:300] + "\n" + plan)
            for label, statement, plan, read in problems:
                print(f"\n{label}: reads {', '.join(read)} whole:\n"
                      + " ".join(statement.split())[:300] + "\n" + plan)
            print(f"\ntarget: p95 <= {TARGET_MS} ms on every page, and no page that filters "
                  "leads or bookings reading that table whole: "
                  + ("missed" if failed else "met"))
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            return 1 if failed else 0
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    sys.exit(main())
