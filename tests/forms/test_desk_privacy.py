"""Privacy: erasure leaves nothing behind, access export, retention purge, CLI."""

import json
import logging
from datetime import timedelta

import pytest
from desk_helpers import STAFF, add_booking, add_lead, post, staff_client
from sqlalchemy import inspect, select, text

from forms_service.db import db
from forms_service.desk.models import Erasure, FollowUp
from forms_service.desk.privacy import email_hash
from forms_service.models import utcnow

TARGET = "erase.me@example.com"


def traces(app, needle):
    """Every table and column in which needle still appears (case-insensitive)."""
    found = []
    with app.app_context():
        inspector = inspect(db.engine)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                kind = str(column["type"]).upper()
                if "CHAR" not in kind and "TEXT" not in kind:
                    continue
                count = db.session.execute(text(
                    f'SELECT count(*) FROM "{table}" WHERE lower("{column["name"]}") LIKE :n'),
                    {"n": f"%{needle.lower()}%"}).scalar()
                if count:
                    found.append(f"{table}.{column['name']}")
    return found


def table_counts(app):
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        return {name: db.session.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
                for name in names}


@pytest.fixture
def person(app, signup):
    """One person with a lead (consent, mail, webhook) and a booking (follow-up, webhook,
    sales' notification)."""
    app.config.update(WEBHOOK_URLS=["http://127.0.0.1:9/hook"], WEBHOOK_SECRET="s")
    signup.json(email=TARGET, name="Erik Raderad")
    booking = add_booking(app, announce=True, email=TARGET.upper(), name="Erik Raderad",
                          company="Raderad AB")
    with app.app_context():
        db.session.add(FollowUp(booking_id=booking, status="contacted", notes="Ring Erik"))
        db.session.commit()
    signup.json(email="keep@example.com", name="Kvar Kvarsson")
    return booking


def test_erasure_from_the_desk_leaves_nothing_behind(app, person):
    desk = staff_client(app)
    before = table_counts(app)
    assert traces(app, TARGET) and traces(app, "Raderad")
    response = post(desk, "/admin/privacy/erase", {"erase-email": TARGET, "erase-confirm": "y"},
                    page="/admin/privacy")
    assert response.status_code == 303
    for needle in (TARGET, "Raderad", "Ring Erik"):
        assert traces(app, needle) == [], needle
    after = table_counts(app)
    assert before["leads"] - after["leads"] == 1 and before["bookings"] - after["bookings"] == 1
    assert before["outbox"] - after["outbox"] == 4  # e-book mail, two webhooks, sales' notification
    # The other person is untouched.
    assert traces(app, "keep@example.com")
    page = desk.get("/admin/privacy").get_data(as_text=True)
    assert "Raderat: 1 leads, 1 bokningar, 4 meddelanden." in page
    assert TARGET not in page
    with app.app_context():
        erasure = db.session.scalars(select(Erasure)).one()
        assert (erasure.reason, erasure.leads, erasure.bookings, erasure.messages,
                erasure.actor) == ("request", 1, 1, 4, STAFF)
        assert erasure.email_hash == email_hash(TARGET) != TARGET


def test_erasure_log_lines_hold_no_personal_data(app, person):
    records = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    logger = logging.getLogger("forms_service.desk.privacy")
    logger.addHandler(handler)
    level, filters = logger.level, logger.filters
    logger.setLevel(logging.INFO)
    # Pelican (imported by other tests) gives every logger a filter that drops repeats.
    logger.filters = []
    try:
        result = app.test_cli_runner().invoke(args=["privacy", "erase", TARGET])
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.filters = filters
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "erased 1 leads, 1 bookings, 4 messages"
    assert traces(app, TARGET) == []
    assert len(records) == 1
    line = records[0].getMessage()
    with app.app_context():
        assert email_hash(TARGET)[:12] in line
    assert TARGET not in line and "Raderad" not in line


@pytest.mark.parametrize("data, message", [
    ({"erase-email": TARGET}, "Bekräfta att allt om personen ska raderas."),
    ({"erase-email": "not an address", "erase-confirm": "y"}, "Ange en giltig e-postadress."),
    ({"erase-email": "", "erase-confirm": "y"}, "Fyll i din e-postadress."),
])
def test_erasure_needs_a_valid_address_and_confirmation(app, person, data, message):
    desk = staff_client(app)
    response = post(desk, "/admin/privacy/erase", data, page="/admin/privacy")
    assert response.status_code == 422
    assert f'<p class="desk-error">{message}</p>' in response.get_data(as_text=True)
    assert traces(app, TARGET)


def test_export_everything_about_one_person(app, person):
    desk = staff_client(app)
    response = post(desk, "/admin/privacy/export", {"export-email": TARGET.upper()},
                    page="/admin/privacy")
    assert response.status_code == 200
    data = response.get_json()
    assert data["email"] == TARGET
    assert [lead["name"] for lead in data["leads"]] == ["Erik Raderad"]
    assert data["consents"][0]["text"].startswith("Jag godkänner")
    assert [b["company"] for b in data["bookings"]] == ["Raderad AB"]
    assert data["booking_follow_ups"][0]["notes"] == "Ring Erik"
    assert sorted(m["kind"] for m in data["messages"]) == ["booking_sales_new", "ebook", "webhook",
                                                           "webhook"]
    assert len(data["webhook_deliveries"]) == 2
    assert "keep@example.com" not in json.dumps(data)
    cli = app.test_cli_runner().invoke(args=["privacy", "export", TARGET])
    assert json.loads(cli.stdout)["leads"][0]["email"] == TARGET


def test_retention_purges_old_unconfirmed_leads_only(app):
    old = utcnow() - timedelta(days=40)
    add_lead(app, email="old@example.com", created_at=old, last_requested_at=old)
    add_lead(app, email="confirmed@example.com", created_at=old, last_requested_at=old,
             confirmed_at=old)
    add_lead(app, email="asked-again@example.com", created_at=old,
             last_requested_at=utcnow() - timedelta(days=2))
    add_lead(app, email="new@example.com")
    app.config["RETENTION_DAYS"] = 30
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.stdout.strip() == "purged 1 unconfirmed leads older than 30 days"
    assert traces(app, "old@example.com") == []
    for kept in ("confirmed@", "asked-again@", "new@"):
        assert traces(app, kept)
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--days", "1"])
    assert result.stdout.strip() == "purged 1 unconfirmed leads older than 1 days"
    with app.app_context():
        assert [(e.reason, e.leads, e.email_hash) for e in db.session.scalars(
            select(Erasure).order_by(Erasure.id))] == [("retention", 1, None)] * 2


def test_purge_refuses_a_bad_age(sqlite_app):
    result = sqlite_app.test_cli_runner().invoke(args=["privacy", "purge", "--days", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range x>=1" in result.output


def test_erasure_of_an_unknown_address_is_logged_too(app):
    result = app.test_cli_runner().invoke(args=["privacy", "erase", "nobody@example.com"])
    assert result.stdout.strip() == "erased 0 leads, 0 bookings, 0 messages"
    with app.app_context():
        erasure = db.session.scalars(select(Erasure)).one()
        assert (erasure.leads, erasure.bookings, erasure.messages) == (0, 0, 0)
        assert erasure.email_hash == email_hash("nobody@example.com")
