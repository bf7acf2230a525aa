"""The desk's queries written for speed give the same answers, and reach their indexes.

The timing itself is bench/bench_desk.py (`make bench`: a year of data in PostgreSQL); here,
on small data, the status filter's plain conditions must select exactly the rows the stage
column names, the list of source pages must be the distinct pages, and on PostgreSQL each
filter must be answerable from the index migration 0008 made for it (with sequential scans
switched off, a plan still reading the table means the index cannot serve the query).
"""

from datetime import timedelta

import flask_migrate
import pytest
from desk_helpers import add_booking, add_lead
from sqlalchemy import event, select, text

from forms_service.booking.models import Booking
from forms_service.db import db
from forms_service.desk.counts import funnel_counts, lead_breakdown
from forms_service.desk.lifecycle import STAGES, stage_column, stage_condition
from forms_service.desk.models import FollowUp
from forms_service.desk.queries import (
    _distinct_pages,
    booking_query,
    lead_conditions,
    source_pages,
)
from forms_service.models import Lead, utcnow

START = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)


def meeting(app, hours, **fields):
    start = START + timedelta(hours=hours)
    return add_booking(app, starts_at=start, ends_at=start + timedelta(minutes=45),
                       blocked_until=start + timedelta(hours=1), **fields)


def test_each_stage_condition_selects_what_the_stage_column_says(app):
    cancelled = {"status": "cancelled"}
    expected = {
        meeting(app, 0): "booked",
        meeting(app, 2, **cancelled, cancelled_by="visitor"): "cancelled-visitor",
        meeting(app, 4, **cancelled): "cancelled-visitor",  # before cancelled_by existed
        meeting(app, 6, **cancelled, cancelled_by="staff"): "cancelled-staff",
        meeting(app, 8): "held", meeting(app, 10): "won", meeting(app, 12): "lost",
        meeting(app, 14): "no-show", meeting(app, 16): "booked",  # follow-up "new"
    }
    new, newer = meeting(app, 18), meeting(app, 20)
    expected.update({new: "moved", newer: "held"})
    outcomes = dict(zip(list(expected)[4:9], ["held", "won", "lost", "no-show", "new"],
                        strict=True))
    with app.app_context():
        for hours, replacement in ((22, new), (24, newer)):
            old = db.session.get(Booking, meeting(app, hours, **cancelled))
            old.replaced_by = replacement
            expected[old.id] = "replaced"
        for booking_id, status in {**outcomes, newer: "held"}.items():
            db.session.add(FollowUp(booking_id=booking_id, status=status, notes=""))
        db.session.commit()

        def ids(condition):
            return set(db.session.scalars(
                select(Booking.id).outerjoin(FollowUp, FollowUp.booking_id == Booking.id)
                .where(condition)))

        for stage in STAGES:
            wanted = {key for key, value in expected.items() if value == stage}
            assert ids(stage_column() == stage) == wanted, stage
            assert ids(stage_condition(stage)) == wanted, stage
        assert ids(stage_condition("contacted")) == set()


def test_the_source_list_is_the_distinct_pages_in_order(app):
    pages = [f"http://localhost/artiklar/{name}/" for name in "edcba"]
    for number, page in enumerate(pages):
        add_lead(app, email=f"l{number}@example.com", page_url=page + "?utm_source=x")
        add_lead(app, email=f"m{number}@example.com", page_url=page + "#top")
    add_lead(app, email="none@example.com", page_url=None)
    add_booking(app, page_url="http://localhost/boka/?source=x")
    with app.app_context():
        assert list(_distinct_pages(db.session, Lead, 3)) == sorted(pages)[:3]
        everything = sorted([*pages, "http://localhost/boka/"])
        assert source_pages(db.session) == everything
        assert source_pages(db.session, limit=2) == everything[:2]


def test_the_breakdown_and_funnel_match_counts_made_one_by_one(app):
    day = utcnow().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=3)
    for number in range(7):
        add_lead(app, email=f"p{number}@example.com", language=("sv", "en")[number % 2],
                 utm_source=(None, "linkedin", "google")[number % 3],
                 page_url=f"http://localhost/a{number % 2}/?utm_source=x",
                 created_at=day - timedelta(days=number % 3),
                 confirmed_at=day if number % 2 else None)
    meeting(app, 0, email="P1@example.com")   # booked, and held below
    meeting(app, 2, email="p3@example.com", status="cancelled", cancelled_by="visitor")
    held = meeting(app, 4, email="p1@example.com")
    with app.app_context():
        db.session.add(FollowUp(booking_id=held, status="held", notes=""))
        db.session.commit()
        conditions = lead_conditions({"date_from": (day - timedelta(days=1)).date()})
        counts = lead_breakdown(conditions)
        rows = db.session.scalars(select(Lead).where(*conditions)).all()
        assert sum(leads for _day, leads, _c in counts["day"]) == len(rows) == 5
        assert sorted(counts["day"]) == counts["day"]
        assert dict((value, leads) for value, leads, _c in counts["utm_source"]) == {
            value: sum(row.utm_source == value for row in rows)
            for value in {row.utm_source for row in rows}}
        assert {value: leads for value, leads, _c in counts["language"]} == {"sv": 3, "en": 2}
        confirmed = sum(c for _d, _l, c in counts["day"])
        assert confirmed == sum(row.confirmed_at is not None for row in rows) == 2
        # p1 booked (the address in another case too) and had one held; p3 cancelled but
        # booked all the same; the others never booked.
        assert funnel_counts(conditions) == (2, 1)


def plans(app, run):
    """The EXPLAIN of each SELECT that run() sends, with sequential scans switched off."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            run()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        db.session.rollback()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            return ["\n".join(row[0] for row in conn.exec_driver_sql(
                "EXPLAIN " + statement, parameters)) for statement, parameters in seen]


def leads_where(**filters):
    # Without the list's order: a full walk of the created_at index would answer that too.
    return lambda: db.session.execute(select(Lead.id).where(*lead_conditions(filters))).all()


def bookings_where(**filters):
    return lambda: db.session.execute(
        booking_query(filters, columns=(Booking.id,)).order_by(None)).all()


@pytest.mark.postgres
@pytest.mark.parametrize("run, index", [
    (leads_where(q="anna"), "ix_leads_search_trgm"),
    (leads_where(standard="iso9001"), "ix_leads_page_trgm"),
    (leads_where(source="http://localhost/a/?utm_source=x"), "ix_leads_page"),
    (bookings_where(q="berg"), "ix_bookings_search_trgm"),
    (bookings_where(source="http://localhost/a/"), "ix_bookings_page"),
    (lambda: lead_breakdown(lead_conditions({"language": "en"})),
     "ix_leads_language_created_at"),
    (lambda: _distinct_pages(db.session, Lead, 10).all(), "ix_leads_page"),
    (lambda: _distinct_pages(db.session, Booking, 10).all(), "ix_bookings_page"),
])
def test_postgresql_answers_each_filter_from_its_index(pg_app, run, index):
    add_lead(pg_app, page_url="http://localhost/a/")
    add_booking(pg_app)
    found = plans(pg_app, run)
    assert found, "no SELECT was sent"
    assert any(index in plan for plan in found), found
    assert not any(f"Seq Scan on {table}" in plan for plan in found
                   for table in ("leads ", "bookings ")), found


def index_names(table):
    # From the catalogs: SQLAlchemy's reflection skips (and warns about) expression indexes.
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = :table"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
    return set(db.session.scalars(text(sql), {"table": table}))


def test_migration_0008_adds_the_indexes_and_takes_them_back(bare_app):
    directory = bare_app.config["MIGRATIONS_DIR"]
    postgresql = {"ix_leads_search_trgm", "ix_leads_page_trgm", "ix_leads_page"}
    with bare_app.app_context():
        flask_migrate.upgrade(directory=directory, revision="0007")
        before = index_names("leads") | index_names("bookings")
        flask_migrate.upgrade(directory=directory, revision="0008")
        added = (index_names("leads") | index_names("bookings")) - before
        if db.engine.dialect.name == "postgresql":
            assert added == {"ix_leads_language_created_at", "ix_bookings_search_trgm",
                             "ix_bookings_page_trgm", "ix_bookings_page", *postgresql}
            statistics = "SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'st_leads%'"
            assert list(db.session.scalars(text(statistics))) == ["st_leads_created_day"]
        else:
            assert added == {"ix_leads_language_created_at"}
        flask_migrate.downgrade(directory=directory, revision="0007")
        assert index_names("leads") | index_names("bookings") == before
        if db.engine.dialect.name == "postgresql":
            assert list(db.session.scalars(text(statistics))) == []
        flask_migrate.upgrade(directory=directory)
