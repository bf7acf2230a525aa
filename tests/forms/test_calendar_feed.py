"""The consultants' private feeds of booked meetings (issue 17, section 5).

Made and revoked from the desk and the `flask calendars` commands; read over HTTP and
parsed with icalendar and, independently, with vobject.
"""

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject
from booking_helpers import TWO_CONSULTANTS, Visitor, booking_app, bookings
from desk_helpers import post, staff_client
from forms_helpers import close_app, on_each_database
from sqlalchemy import select

from forms_service.booking.calendars.models import CalendarFeed
from forms_service.db import db

FEED_URL = re.compile(r'<code class="desk-feed-url">([^<]+)</code>')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path, ebook_source):
    """The booking app with two consultants (this module's, in place of conftest.py's)."""
    yield from on_each_database(
        request, lambda **o: booking_app(tmp_path, ebook_source, availability=TWO_CONSULTANTS, **o))


def make_feed(desk, key, lang="en"):
    """Press "Make a (new) feed address" on the desk; the address shown, as a path."""
    answer = post(desk, f"/admin/calendars/{key}/feed?lang={lang}", {},
                  page=f"/admin/calendars?lang={lang}")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    url = FEED_URL.search(answer.get_data(as_text=True)).group(1)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    return urlsplit(url).path


def book(app, start, **fields):
    assert Visitor(app.test_client()).book(start=start, **fields).status_code == 200


def test_the_feed_serves_the_consultants_meetings_and_nothing_more(app):
    desk = staff_client(app)
    # Wednesday afternoon only Alva works; Monday 09:00 twice: Alva and Bo.
    book(app, "2026-04-01T13:00:00+02:00", name="Åsa Öberg", company="Björk & Ström AB",
         phone="070-123 45 67")
    book(app, "2026-03-30T09:00:00+02:00", email="per@example.com")
    book(app, "2026-03-30T09:00:00+02:00", email="eva@example.com")
    book(app, "2026-04-02T10:00:00+02:00", email="gone@example.com")
    owners = {b.email: b.consultant for b in bookings(app)}
    cancelled = [b for b in bookings(app) if b.email == "gone@example.com"][0]
    assert post(desk, f"/admin/bookings/{cancelled.id}/cancel", {},
                page=f"/admin/bookings/{cancelled.id}").status_code == 303
    path = make_feed(desk, "alva")
    answer = app.test_client().get(path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Cache-Control"] == "private, no-cache"
    body = answer.get_data()

    wanted = sorted((b for b in bookings(app)
                     if b.consultant == "alva" and b.status == "confirmed"),
                    key=lambda b: b.starts_at)
    assert owners["anna@example.com"] == "alva"
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["X-WR-CALNAME"]) == "Normkraft – Alva Ek"
    events = parsed.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [b.uid for b in wanted]
    first = next(e for e in events if str(e["UID"]) == wanted[-1].uid)
    assert first.decoded("DTSTART") == datetime(2026, 4, 1, 11, 0, tzinfo=UTC)
    assert str(first["SUMMARY"]) == "Möte med Åsa Öberg, Björk & Ström AB"

    second = vobject.readOne(body.decode("utf-8"))
    assert [e.uid.value for e in second.vevent_list] == [b.uid for b in wanted]
    assert second.vevent_list[-1].summary.value == "Möte med Åsa Öberg, Björk & Ström AB"
    assert second.vevent_list[-1].dtstart.value == datetime(2026, 4, 1, 11, 0, tzinfo=UTC)
    # No contact details, no message, no other consultant's meetings, no cancelled one.
    text = body.decode("utf-8")
    for absent in ("@example.com", "+46701234567", "certifiera", cancelled.uid,
                   *(b.uid for b in bookings(app) if b.consultant == "bo")):
        assert absent not in text


def test_revoking_or_making_a_new_address_ends_the_old_one(app):
    desk = staff_client(app)
    client = app.test_client()
    first = make_feed(desk, "alva")
    assert client.get(first).status_code == 200
    second = make_feed(desk, "alva")
    assert second != first
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    answer = post(desk, "/admin/calendars/alva/feed/revoke?lang=sv", {},
                  page="/admin/calendars?lang=sv")
    assert answer.status_code == 303
    page = desk.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Flödesadressen för Alva Ek fungerar inte längre." in page
    missing = client.get(second + "?lang=sv")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["Content-Type"]
    # Only a hash is stored; the address is shown only when it is made.
    third = make_feed(desk, "bo")
    token = third.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in desk.get("/admin/calendars").get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalars(select(CalendarFeed)).all()
    assert [(f.consultant, f.token_hash, f.created_by) for f in stored] == [
        ("bo", hashlib.sha256(token.encode()).hexdigest(), "staff@normkraft.se")]


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 5000, "%00", "%C3%A5%F0%9F%98%80",
                                   "..%2F..%2Fetc%2Fpasswd", "%ED%A0%80"])
def test_forged_tokens_get_404(app, token):
    staff = staff_client(app)
    make_feed(staff, "alva")
    answer = app.test_client().get(f"/calendar/{token}.ics")
    assert answer.status_code == 404


def test_a_feed_of_a_consultant_no_longer_in_the_file_is_404(app, tmp_path, ebook_source):
    path = make_feed(staff_client(app), "bo")
    assert app.test_client().get(path).status_code == 200
    alone = booking_app(tmp_path, ebook_source, SQLALCHEMY_DATABASE_URI=app.config[
        "SQLALCHEMY_DATABASE_URI"])  # the same database, Bo gone from the file
    try:
        assert alone.test_client().get(path).status_code == 404
    finally:
        close_app(alone)


def test_the_cli_makes_lists_and_revokes_feeds(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["calendars", "feed", "bo"])
    assert made.exit_code == 0, made.output
    url = re.search(r"^(http://localhost/forms/calendar/\S+\.ics)$", made.output, re.M).group(1)
    assert "webcal://localhost/forms/calendar/" in made.output
    path = urlsplit(url).path.removeprefix("/forms")
    assert app.test_client().get(path).status_code == 200
    listed = runner.invoke(args=["calendars", "feeds"])
    assert re.search(r"^alva\tnone$", listed.output, re.M)
    assert re.search(r"^bo\tsince \d{4}-\d\d-\d\d \d\d:\d\d UTC$", listed.output, re.M)
    revoked = runner.invoke(args=["calendars", "revoke", "bo"])
    assert revoked.exit_code == 0 and "feed of Bo Ek revoked" in revoked.output
    assert app.test_client().get(path).status_code == 404
    unknown = runner.invoke(args=["calendars", "feed", "carl"])
    assert unknown.exit_code == 1
    assert "no consultant 'carl' in the availability file (there are: alva, bo)" in (
        unknown.output)


@pytest.mark.parametrize("lang, heading, make, again, revoke", [
    ("sv", "Kalenderflöden med bokade möten", "Skapa en flödesadress",
     "Skapa en ny flödesadress", "Återkalla flödesadressen"),
    ("en", "Meeting feeds", "Make a feed address", "Make a new feed address",
     "Revoke the feed address"),
])
def test_the_desk_page_shows_the_feed_controls(app, lang, heading, make, again, revoke):
    desk = staff_client(app)
    page = desk.get(f"/admin/calendars?lang={lang}").get_data(as_text=True)
    assert heading in page
    assert page.count(f">{make}</button>") == 2  # Alva and Bo
    assert revoke not in page
    make_feed(desk, "alva", lang)
    page = desk.get(f"/admin/calendars?lang={lang}").get_data(as_text=True)
    assert page.count(f">{again}</button>") == 1
    assert page.count(f">{make}</button>") == 1
    assert page.count(f">{revoke}</button>") == 1


def test_feed_controls_need_the_desk_login_and_its_csrf_token(app):
    client = app.test_client()
    assert client.post("/admin/calendars/alva/feed").status_code in (302, 303)
    desk = staff_client(app)
    assert desk.post("/admin/calendars/alva/feed").status_code == 400
    assert post(desk, "/admin/calendars/carl/feed", {},
                page="/admin/calendars").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(CalendarFeed)).all() == []


@pytest.mark.parametrize("today, shown", [
    ("2026-04-20T12:00:00+00:00", True),   # 19 days after the meeting: still there
    ("2026-05-05T12:00:00+00:00", False),  # 34 days after: gone
])
def test_past_meetings_stay_in_the_feed_for_thirty_days(app, tmp_path, ebook_source, today,
                                                        shown):
    book(app, "2026-04-01T13:00:00+02:00")
    path = make_feed(staff_client(app), "alva")
    later = booking_app(tmp_path, ebook_source, availability=TWO_CONSULTANTS,
                        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        BOOKING_CLOCK=lambda: datetime.fromisoformat(today))
    try:
        body = later.test_client().get(path).get_data()
    finally:
        close_app(later)
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert uids == ([bookings(app)[0].uid] if shown else [])
