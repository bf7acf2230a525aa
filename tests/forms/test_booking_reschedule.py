"""A move is a reschedule (RFC 5546): one UID, a rising SEQUENCE, METHOD:REQUEST; mails
that say "moved from ... to ..."; one booking on the desk with its history; and an .ics
part that declares its charset, read back with `email` over a real SMTP server."""

import re
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
from booking_helpers import Visitor, booking_app, bookings, cancel, manage_url, move
from booking_helpers import invite_of as method_and_calendar
from bs4 import BeautifulSoup
from desk_helpers import history, post, staff_client
from forms_helpers import by_recipient, mails, pending_mail, wait_for
from icalendar import Calendar
from sqlalchemy import inspect, text

from forms_service.db import db


def invite_of(msg):
    """(the .ics part, its parsed calendar, its one VEVENT)."""
    (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return part, calendar, event


@pytest.fixture
def smtp_app(tmp_path, ebook_source, smtp_server, closing):
    handler, port, _start, _stop = smtp_server
    app = booking_app(tmp_path, ebook_source, SMTP_URL=f"smtp://127.0.0.1:{port}?tls=none")
    return closing(app), handler


def sent(app, handler, count):
    """Deliver the outbox and return the mails the SMTP server has received, by recipient."""
    pending_mail(app)
    assert wait_for(lambda: len(handler.messages) >= count)
    return handler.messages[:count]


def test_booked_moved_cancelled_is_one_event_updated_in_place_over_smtp(smtp_app):
    app, handler = smtp_app
    client = app.test_client()
    assert Visitor(client).book(lang="sv", name="Björn Åberg").status_code == 200
    first = by_recipient(sent(app, handler, 2))
    part, calendar, event = invite_of(first["anna@example.com"])
    # Declared, so `email` decodes "Möte" and "Björn" instead of U+FFFD.
    assert part.get_content_charset() == "utf-8"
    text = part.get_content()
    assert "\ufffd" not in text
    assert "SUMMARY:Möte med Normkraft" in text and 'CN="Björn Åberg"' in text
    assert str(event["SUMMARY"]) == "Möte med Normkraft"
    uid = str(event["UID"])
    assert (calendar["METHOD"], event["SEQUENCE"]) == ("REQUEST", 0)

    link = manage_url(app, 1)
    assert move(client, link).status_code == 303
    moved = by_recipient(sent(app, handler, 4)[2:])
    visitor, sales = moved["anna@example.com"], moved["sales@normkraft.se"]
    assert visitor["Subject"] == "Ditt möte med Normkraft har flyttats"
    body = visitor.get_body(("plain",)).get_content()
    assert ("Ditt möte med Normkraft har flyttats från måndag 30 mars 2026, 09:00–09:45 "
            "(Europe/Stockholm) till tisdag 31 mars 2026, 09:00–09:45 (Europe/Stockholm)."
            ) in body
    assert "/booking/manage/" in body  # the same link still manages the meeting
    html = visitor.get_body(("html",)).get_content()
    assert "har flyttats från måndag 30 mars 2026" in html
    part, calendar, event = invite_of(visitor)
    assert part.get_param("method") == "REQUEST" and part.get_content_charset() == "utf-8"
    assert (calendar["METHOD"], str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", uid, 1)
    assert event.decoded("DTSTART") == datetime(2026, 3, 31, 7, 0, tzinfo=UTC)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert sales["Subject"] == "Möte flyttat: Ek AB"
    assert ("Ett möte har flyttats från måndag 30 mars 2026, 09:00–09:45 (Europe/Stockholm) "
            "till tisdag 31 mars 2026, 09:00–09:45 (Europe/Stockholm).") in (
        sales.get_body(("plain",)).get_content())

    assert cancel(client, link).status_code == 303
    cancelled = by_recipient(sent(app, handler, 6)[4:])
    _part, calendar, event = invite_of(cancelled["anna@example.com"])
    assert (calendar["METHOD"], str(event["UID"]), event["SEQUENCE"]) == ("CANCEL", uid, 2)
    (booking,) = bookings(app)
    assert (booking.uid, booking.sequence, booking.status) == (uid, 2, "cancelled")


@pytest.mark.parametrize("lang, tz, subject, sentence, sales_sentence", [
    ("en", "America/New_York", "Your meeting with Normkraft has been moved",
     "Your meeting with Normkraft has been moved from Monday, March 30, 2026, 03:00–03:45 "
     "(America/New_York) to Tuesday, March 31, 2026, 03:00–03:45 (America/New_York).",
     "Ett möte har flyttats från måndag 30 mars 2026, 03:00–03:45 (America/New_York) till "
     "tisdag 31 mars 2026, 03:00–03:45 (America/New_York)."),
    ("sv", "Europe/Stockholm", "Ditt möte med Normkraft har flyttats",
     "Ditt möte med Normkraft har flyttats från måndag 30 mars 2026, 09:00–09:45 "
     "(Europe/Stockholm) till tisdag 31 mars 2026, 09:00–09:45 (Europe/Stockholm).",
     "Ett möte har flyttats från måndag 30 mars 2026, 09:00–09:45 (Europe/Stockholm) till "
     "tisdag 31 mars 2026, 09:00–09:45 (Europe/Stockholm)."),
])
def test_the_move_mails_say_from_and_to_in_the_visitors_zone(
        bapp, lang, tz, subject, sentence, sales_sentence):
    client = bapp.test_client()
    assert Visitor(client).book(lang=lang, tz=tz).status_code == 200
    pending_mail(bapp)
    assert move(client, manage_url(bapp, 1)).status_code == 303
    assert pending_mail(bapp) == (2, 0)
    moved = by_recipient(mails(bapp)[2:])
    visitor, sales = moved["anna@example.com"], moved["sales@normkraft.se"]
    assert visitor["Subject"] == subject
    assert sentence in visitor.get_body(("plain",)).get_content()
    assert sales_sentence in sales.get_body(("plain",)).get_content()
    if tz != "Europe/Stockholm":  # the home zone too, as in the booking mail
        assert "tisdag 31 mars 2026, 09:00–09:45 (Europe/Stockholm)" in (
            sales.get_body(("plain",)).get_content())


def test_a_mail_sent_after_a_later_move_still_tells_its_own_step(bapp):
    """Two moves before the outbox runs: each mail says its own from/to and SEQUENCE."""
    client = bapp.test_client()
    assert Visitor(client).book(lang="en", tz="Europe/Stockholm").status_code == 200
    link = manage_url(bapp, 1)
    assert move(client, link).status_code == 303
    assert move(client, link, "2026-04-01T09:00:00+02:00").status_code == 303
    assert pending_mail(bapp) == (6, 0)
    moves = [m for m in mails(bapp) if m["Subject"] == "Your meeting with Normkraft has been "
             "moved"]
    steps = sorted((method_and_calendar(m)[1].walk("VEVENT")[0]["SEQUENCE"],
                    re.search(r"moved from (.+?) to (.+?)\.\n",
                              m.get_body(("plain",)).get_content()).groups()) for m in moves)
    assert steps == [
        (1, ("Monday, March 30, 2026, 09:00–09:45 (Europe/Stockholm)",
             "Tuesday, March 31, 2026, 09:00–09:45 (Europe/Stockholm)")),
        (2, ("Tuesday, March 31, 2026, 09:00–09:45 (Europe/Stockholm)",
             "Wednesday, April 1, 2026, 09:00–09:45 (Europe/Stockholm)")),
    ]


HISTORY = {
    "sv": ["Bokat på webbplatsen – av besökaren",
           "Flyttat från 2026-03-30 09:00–09:45 (Europe/Stockholm) till 2026-03-31 "
           "09:00–09:45 (Europe/Stockholm) – av besökaren",
           "Avbokat – av staff@normkraft.se"],
    "en": ["Booked on the website – by the visitor",
           "Moved from 2026-03-30 09:00–09:45 (Europe/Stockholm) to 2026-03-31 "
           "09:00–09:45 (Europe/Stockholm) – by the visitor",
           "Cancelled – by staff@normkraft.se"],
}


def test_the_desk_shows_one_booking_with_its_history_in_sv_and_en(bapp):
    client = bapp.test_client()
    assert Visitor(client).book(lang="sv").status_code == 200
    desk = staff_client(bapp)
    assert move(client, manage_url(bapp, 1)).status_code == 303
    rows = BeautifulSoup(desk.get("/admin/bookings?lang=sv").get_data(as_text=True),
                         "lxml").select("tbody tr")
    assert len(rows) == 1
    assert rows[0].select_one(".desk-stage").get_text() == "flyttat"
    assert post(desk, "/admin/bookings/1/cancel", {"sequence": "1"},
                page="/admin/bookings/1").status_code == 303
    for lang, expected in HISTORY.items():
        assert history(desk, 1, lang) == expected
    rows = BeautifulSoup(desk.get("/admin/bookings?lang=en").get_data(as_text=True),
                         "lxml").select("tbody tr")
    assert [r.select_one(".desk-stage").get_text() for r in rows] == ["cancelled by us"]


def test_migration_0012_gives_existing_bookings_their_history(bare_app):
    app = bare_app
    directory = app.config["MIGRATIONS_DIR"]
    start = datetime(2026, 5, 4, 7, 0)
    rows = [("confirmed", None, None), ("cancelled", "staff", None),
            ("cancelled", "visitor", None), ("cancelled", None, 1)]
    with app.app_context():
        flask_migrate.upgrade(directory=directory, revision="0007")
        for number, (status, by, replaced_by) in enumerate(rows):
            when = start + timedelta(hours=number)
            db.session.execute(text(
                "INSERT INTO bookings (uid, consultant, starts_at, ends_at, blocked_until, "
                "status, sequence, name, email, company, topics, message, language, "
                "consent_text, consent_version, created_at, cancelled_at, cancelled_by, "
                "replaced_by) VALUES (:uid, 'alva', :s, :e, :b, :status, :seq, 'N', "
                "'n@example.com', 'C', '', '', 'sv', 'ok', 'v', :c, :x, :by, :r)"),
                {"uid": f"u{number}", "s": when, "e": when + timedelta(minutes=45),
                 "b": when + timedelta(hours=1), "status": status,
                 "seq": 0 if status == "confirmed" else 1, "c": start - timedelta(days=1),
                 "x": start - timedelta(hours=5) if status == "cancelled" else None,
                 "by": by, "r": replaced_by})
        db.session.commit()
        flask_migrate.upgrade(directory=directory, revision="0012")
        events = db.session.execute(text(
            "SELECT booking_id, kind, by, via, sequence, at FROM booking_events "
            "ORDER BY booking_id, id")).all()
        # str(): SQLite's raw rows give the text it stored, PostgreSQL a datetime.
        booked_at, cancelled_at = str(start - timedelta(days=1)), str(start - timedelta(hours=5))
        assert [(*e[:5], str(e[5])[:19]) for e in events] == [
            (1, "booked", "visitor", "web", 0, booked_at),
            (2, "booked", "visitor", "web", 0, booked_at),
            (2, "cancelled", "staff", None, 1, cancelled_at),
            (3, "booked", "visitor", "web", 0, booked_at),
            (3, "cancelled", "visitor", None, 1, cancelled_at),
            (4, "booked", "visitor", "web", 0, booked_at),  # replaced by a move: no cancel
        ]
        db.session.commit()
        flask_migrate.downgrade(directory=directory, revision="0007")
        assert "booking_events" not in inspect(db.engine).get_table_names()
        db.session.commit()
        flask_migrate.upgrade(directory=directory)
