"""Bookings go into the consultant's CalDAV calendar (issue 17, section 5).

Real parts: Radicale on a free port with a password, the service over HTTP, the outbox
worker's own code, a proxy that freezes in front of Radicale. What Radicale stores is
read back over plain HTTP and parsed with icalendar and, independently, with vobject.
"""

import base64
import http.client
import re
import time
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import unquote

import icalendar
import pytest
import vobject
from booking_helpers import CSRF, ONE_CONSULTANT, Visitor, booking_app, bookings, manage_url
from calendar_helpers import RADICALE_PASSWORD, RADICALE_USER, SPRING_NOW, calendar
from desk_helpers import post, staff_client
from forms_helpers import SITE, close_app
from sqlalchemy import delete, select, update

from forms_service.booking.calendars.models import CalendarCopy
from forms_service.booking.calendars.writeback import KINDS
from forms_service.db import db
from forms_service.models import OutboxMessage, utcnow
from forms_service.outbox import process_outbox

PASSWORD_ENV = "TEST_WRITEBACK_PASSWORD"


@pytest.fixture
def make(tmp_path, ebook_source, monkeypatch, closing):
    """make(calendar url, extra, **config): Alva writes to that calendar; extra consultants."""
    monkeypatch.setenv(PASSWORD_ENV, RADICALE_PASSWORD)
    def build(url, extra="", **overrides):
        text = ONE_CONSULTANT + (f'[consultants.calendar]\ncaldav_url = "{url}"\n'
                                 f'user = "{RADICALE_USER}"\npassword_env = "{PASSWORD_ENV}"\n'
                                 ) + extra
        config = {"BOOKING_CLOCK": lambda: SPRING_NOW, "CALENDAR_TIMEOUT": 2.0, **overrides}
        return closing(booking_app(tmp_path, ebook_source, availability=text, **config))

    return build


def run(app, lane):
    """One pass of the outbox worker's lane: (sent, failed)."""
    with app.test_request_context(base_url=SITE + "/forms"):
        return process_outbox(lane=lane)


def writes(app):
    """[(kind, status, attempts, last_error)] of the calendar writes, in order."""
    with app.app_context():
        return [(m.kind, m.status, m.attempts, m.last_error) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.in_(KINDS))
            .order_by(OutboxMessage.id))]


def retry_now(app):
    """Make every calendar write due again, as if the worker had died after sending."""
    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.kind.in_(KINDS))
                           .values(status="pending", next_attempt_at=utcnow()))
        db.session.commit()


def dav(radicale, method, path, body=None, depth=None):
    """(status, body) of a plain HTTP request to Radicale: no CalDAV library in between."""
    auth = base64.b64encode(f"{RADICALE_USER}:{RADICALE_PASSWORD}".encode()).decode()
    headers = {"Authorization": "Basic " + auth}
    if depth is not None:
        headers["Depth"] = depth
    conn = http.client.HTTPConnection("127.0.0.1", radicale.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def stored(radicale, name):
    """The events Radicale holds in /anna/<name>/: {href: raw iCalendar bytes}."""
    status, listing = dav(radicale, "PROPFIND", f"/{RADICALE_USER}/{name}/", depth="1")
    assert status == 207
    hrefs = [h for h in re.findall(rb"<[^>]*href>([^<]+)</", listing) if h.endswith(b".ics")]
    items = {}
    for href in hrefs:
        status, body = dav(radicale, "GET", href.decode())
        assert status == 200
        items[href.decode()] = body
    return items


def invite_uid(app):
    """The UID of the .ics invite in the visitor's confirmation mail."""
    for path in sorted((Path(app.instance_path) / "mail").glob("*.eml")):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in mail.walk():
            if part.get_content_type() == "text/calendar":
                invite = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                return str(next(iter(invite.walk("VEVENT")))["UID"])
    raise AssertionError("no invite mailed")


def test_a_booking_is_written_with_the_invites_uid(make, radicale, database):
    url = radicale.put_calendar("book", calendar())
    app = make(url, **database)
    assert Visitor(app.test_client()).book(start="2026-03-30T09:00:00+02:00").status_code == 200
    # Queued in the booking's own transaction, nothing written yet.
    assert writes(app) == [("calendar_book", "pending", 0, None)]
    assert stored(radicale, "book") == {}
    assert run(app, "visitor") == (1, 0)
    assert run(app, "webhook") == (1, 0)
    assert writes(app) == [("calendar_book", "sent", 1, None)]
    booking = bookings(app)[0]
    uid = invite_uid(app)
    assert uid == booking.uid
    (href, body), = stored(radicale, "book").items()
    assert unquote(href) == f"/{RADICALE_USER}/book/{uid}.ics"

    parsed = icalendar.Calendar.from_ical(body)
    assert "METHOD" not in parsed  # a stored object, not an invitation
    event, = parsed.walk("VEVENT")
    assert str(event["UID"]) == uid
    assert event.decoded("DTSTART") == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 30, 7, 45, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Möte med Anna Andersson, Ek AB"
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    assert str(event["DESCRIPTION"]) == (
        "Standarder: ISO 9001, ISO/IEC 27001\n"
        f"Allt om bokningen i säljdesken: {SITE}/forms/admin/bookings/{booking.id}")
    # No attendee (a scheduling server would invite the visitor again), no contact details.
    assert "ATTENDEE" not in event and "ORGANIZER" not in event
    assert b"anna@example.com" not in body and b"certifiera" not in body

    second = vobject.readOne(body.decode("utf-8"))
    vevent = second.vevent
    assert vevent.uid.value == uid
    assert vevent.dtstart.value == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert vevent.dtend.value == datetime(2026, 3, 30, 7, 45, tzinfo=UTC)
    assert vevent.summary.value == "Möte med Anna Andersson, Ek AB"
    assert vevent.url.value == f"{SITE}/forms/admin/bookings/{booking.id}"


def test_a_retried_write_does_not_duplicate(make, radicale):
    url = radicale.put_calendar("retry", calendar())
    app = make(url)
    assert Visitor(app.test_client()).book(start="2026-03-30T10:00:00+02:00").status_code == 200
    assert run(app, "webhook") == (1, 0)
    first = stored(radicale, "retry")
    # The worker died after the PUT and before recording it: the message comes again.
    retry_now(app)
    assert run(app, "webhook") == (1, 0)
    # Even the record of where it went is lost: the same UID goes to the same address.
    with app.app_context():
        db.session.execute(delete(CalendarCopy))
        db.session.commit()
    retry_now(app)
    assert run(app, "webhook") == (1, 0)
    again = stored(radicale, "retry")
    assert list(again) == list(first)
    body = next(iter(again.values()))
    assert len(icalendar.Calendar.from_ical(body).walk("VEVENT")) == 1
    assert len(list(vobject.readComponents(body.decode()))[0].vevent_list) == 1


@pytest.mark.parametrize("who", ["visitor", "staff"])
def test_a_cancel_removes_the_event_and_a_second_delete_succeeds(make, radicale, who,
                                                                   database):
    url = radicale.put_calendar(f"cancel-{who}", calendar())
    app = make(url, **database)
    client = app.test_client()
    assert Visitor(client).book(start="2026-03-30T11:00:00+02:00").status_code == 200
    assert run(app, "webhook") == (1, 0)
    (href, _), = stored(radicale, f"cancel-{who}").items()
    if who == "visitor":
        link = manage_url(app, 1)
        token = CSRF.findall(client.get(link).get_data(as_text=True))[-1]
        answer = client.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"},
                             headers={"Origin": SITE})
    else:
        desk = staff_client(app)
        answer = post(desk, "/admin/bookings/1/cancel", {}, page="/admin/bookings/1")
    assert answer.status_code == 303
    assert bookings(app)[0].status == "cancelled"
    assert [w[:2] for w in writes(app)] == [("calendar_book", "sent"),
                                            ("calendar_cancel", "pending")]
    assert run(app, "webhook") == (1, 0)
    assert stored(radicale, f"cancel-{who}") == {}
    assert dav(radicale, "GET", href)[0] == 404
    with app.app_context():
        assert db.session.scalars(select(CalendarCopy)).all() == []
    # Both messages again: the write sees the booking cancelled and deletes; nothing is back.
    retry_now(app)
    assert run(app, "webhook") == (2, 0)
    assert stored(radicale, f"cancel-{who}") == {}


def test_a_move_updates_the_calendar(make, radicale, database):
    url = radicale.put_calendar("move", calendar())
    app = make(url, **database)
    client = app.test_client()
    assert Visitor(client).book(start="2026-03-30T13:00:00+02:00").status_code == 200
    assert run(app, "webhook") == (1, 0)
    link = manage_url(app, 1)
    token = CSRF.findall(client.get(link).get_data(as_text=True))[-1]
    answer = client.post(link + "/move", data={"csrf_token": token,
                                               "start": "2026-03-31T14:00:00+02:00"},
                         headers={"Origin": SITE})
    assert answer.status_code == 303
    assert all(kind == "calendar_move" for kind, *_ in writes(app)[1:])
    run(app, "webhook")
    assert all(status == "sent" for _, status, *_ in writes(app))
    current = next(b for b in bookings(app) if b.status == "confirmed")
    (href, body), = stored(radicale, "move").items()
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["UID"]) == current.uid
    assert event.decoded("DTSTART") == datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert vobject.readOne(body.decode()).vevent.dtstart.value == datetime(
        2026, 3, 31, 12, 0, tzinfo=UTC)


def test_a_refused_password_keeps_the_write_queued_and_the_booking(make, radicale,
                                                                   monkeypatch):
    url = radicale.put_calendar("refused", calendar())
    app = make(url)
    assert Visitor(app.test_client()).book(start="2026-03-30T14:00:00+02:00").status_code == 200
    monkeypatch.setenv(PASSWORD_ENV, "fel-lösenord")  # changed on the server, not here
    assert run(app, "webhook") == (0, 1)
    assert writes(app) == [("calendar_book", "pending", 1,
                            "CalendarWriteFailed: the CalDAV server refused the user or "
                            "password")]
    assert [b.status for b in bookings(app)] == ["confirmed"]
    assert run(app, "visitor") == (1, 0)  # the visitor's mail is not held up
    assert stored(radicale, "refused") == {}
    monkeypatch.setenv(PASSWORD_ENV, RADICALE_PASSWORD)
    assert run(app, "webhook") == (1, 0)
    assert writes(app) == [("calendar_book", "sent", 2, None)]
    assert len(stored(radicale, "refused")) == 1


def test_a_hanging_server_never_blocks_the_booking_and_the_write_waits(make, radicale,
                                                                       freeze_proxy):
    radicale.put_calendar("frozen", calendar())
    proxy = freeze_proxy(radicale.port)
    app = make(f"http://127.0.0.1:{proxy.port}/{RADICALE_USER}/frozen/", CALENDAR_TIMEOUT=0.5)
    client = app.test_client()
    assert client.get("/booking/slots?from=2026-03-30&to=2026-03-30").status_code == 200
    proxy.freeze()
    started = time.monotonic()
    # The booking's own check of the calendar times out; the reading of a moment ago stands.
    assert Visitor(client).book(start="2026-03-30T15:00:00+02:00").status_code == 200
    assert time.monotonic() - started < 4
    started = time.monotonic()
    assert run(app, "visitor") == (1, 0)
    assert run(app, "staff") == (1, 0)
    assert time.monotonic() - started < 2  # the mails never wait for the calendar
    started = time.monotonic()
    assert run(app, "webhook") == (0, 1)
    assert time.monotonic() - started < 4
    (kind, status, attempts, error), = writes(app)
    assert (kind, status, attempts) == ("calendar_book", "pending", 1)
    assert error.startswith("CalendarWriteFailed: CalDAV server unreachable")
    proxy.thaw()
    assert run(app, "webhook") == (1, 0)
    assert len(stored(radicale, "frozen")) == 1


def test_our_own_copy_never_blocks_the_time_it_stands_for(make, radicale):
    url = radicale.put_calendar("own", calendar())
    app = make(url, CALENDAR_CACHE_SECONDS=0)
    client = app.test_client()
    assert Visitor(client).book(start="2026-03-30T09:00:00+02:00").status_code == 200
    assert run(app, "webhook") == (1, 0)
    desk = staff_client(app)
    assert post(desk, "/admin/bookings/1/cancel", {},
                page="/admin/bookings/1").status_code == 303
    # The copy is still in the calendar (its delete not sent yet), yet the time is free:
    # the bookings table, not the copy, says whether it is taken.
    assert len(stored(radicale, "own")) == 1
    slots = client.get("/booking/slots?from=2026-03-30&to=2026-03-30").get_json()["slots"]
    assert "2026-03-30T09:00:00+02:00" in [s["start"] for s in slots]
    assert Visitor(client).book(start="2026-03-30T09:00:00+02:00",
                                email="bo@example.com").status_code == 200


def test_the_webhook_page_does_not_list_calendars_as_receivers(make, radicale, monkeypatch):
    app = make(radicale.put_calendar("receivers", calendar()))
    assert Visitor(app.test_client()).book(start="2026-03-30T10:00:00+02:00").status_code == 200
    monkeypatch.setenv(PASSWORD_ENV, "fel")
    assert run(app, "webhook") == (0, 1)
    desk = staff_client(app)
    assert "calendar:alva" not in desk.get("/admin/deliveries?lang=en").get_data(as_text=True)
    page = desk.get("/admin/calendars?lang=en").get_data(as_text=True)
    assert "Bookings waiting to be written to a calendar" in page
    assert "the CalDAV server refused the user or password" in page


def test_erasing_a_person_deletes_their_event_from_the_calendar(make, radicale, database):
    app = make(radicale.put_calendar("erase", calendar()), **database)
    client = app.test_client()
    assert Visitor(client).book(start="2026-03-30T09:00:00+02:00").status_code == 200
    assert Visitor(client).book(start="2026-03-30T10:00:00+02:00",
                                email="kvar@example.com", name="Kvar Kvist").status_code == 200
    assert run(app, "webhook") == (2, 0)
    assert len(stored(radicale, "erase")) == 2
    desk = staff_client(app)
    answer = post(desk, "/admin/privacy/erase", {"erase-email": "anna@example.com",
                                                 "erase-confirm": "y"},
                  page="/admin/privacy")
    assert answer.status_code in (200, 303)
    assert [b.email for b in bookings(app)] == ["kvar@example.com"]
    assert [w[:2] for w in writes(app)] == [("calendar_book", "sent")]  # the other's, kept
    assert run(app, "webhook") == (1, 0)
    (href, body), = stored(radicale, "erase").items()
    assert b"Kvar Kvist" in body and b"Anna Andersson" not in body
    with app.app_context():
        assert [c.booking_id for c in db.session.scalars(select(CalendarCopy))] == [
            bookings(app)[0].id]


def test_a_meeting_that_changes_consultant_leaves_the_first_calendar(make, radicale):
    alva_url = radicale.put_calendar("alva", calendar())
    bo_url = radicale.put_calendar("bo", calendar())
    bo = (f'[[consultants]]\nkey = "bo"\nname = "Bo Ek"\nemail = "bo@normkraft.se"\n'
          f'[consultants.hours]\nmon = ["09:00-12:00"]\n[consultants.calendar]\n'
          f'caldav_url = "{bo_url}"\nuser = "{RADICALE_USER}"\n'
          f'password_env = "{PASSWORD_ENV}"\n')
    app = make(alva_url, extra=bo)
    assert Visitor(app.test_client()).book(start="2026-03-30T13:00:00+02:00").status_code == 200
    assert run(app, "webhook") == (1, 0)
    assert len(stored(radicale, "alva")) == 1 and stored(radicale, "bo") == {}
    # A reschedule that hands the meeting to Bo keeps its UID (issue 17, section 6).
    from forms_service.booking.calendars.writeback import schedule
    from forms_service.booking.models import Booking

    with app.test_request_context():
        booking = db.session.get(Booking, 1)
        booking.consultant, booking.sequence = "bo", booking.sequence + 1
        schedule(booking, "move")
        db.session.commit()
    assert run(app, "webhook") == (1, 0)
    assert stored(radicale, "alva") == {}
    (_, body), = stored(radicale, "bo").items()
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (bookings(app)[0].uid, 1)


def test_push_writes_the_bookings_made_before_the_calendar_was_connected(make, radicale,
                                                                         tmp_path, ebook_source):
    before = booking_app(tmp_path, ebook_source, BOOKING_CLOCK=lambda: SPRING_NOW)
    assert Visitor(before.test_client()).book(
        start="2026-03-30T09:00:00+02:00").status_code == 200
    close_app(before)
    app = make(radicale.put_calendar("push", calendar()))  # the same database, now CalDAV
    assert writes(app) == []
    result = app.test_cli_runner().invoke(args=["calendars", "push"])
    assert result.exit_code == 0, result.output
    assert "1 booking(s) queued for the consultants' calendars" in result.output
    assert run(app, "webhook") == (1, 0)
    (_, body), = stored(radicale, "push").items()
    assert str(icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["UID"]) == (
        bookings(app)[0].uid)
