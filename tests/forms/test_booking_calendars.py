"""Consultants' calendars (issue 17): busy times block slots, read fresh, fail closed.

Real parts: iCalendar feeds served over HTTP, Radicale as the CalDAV server (with a
password), a socket that never answers, and the service over its HTTP interface.
"""

import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from booking_helpers import BO, ONE_CONSULTANT, Visitor, booking_app, bookings
from calendar_helpers import (
    ALL,
    AUTUMN_EVENTS,
    AUTUMN_NOW,
    AUTUMN_SLOTS,
    RADICALE_PASSWORD,
    RADICALE_USER,
    SPRING_EVENTS,
    SPRING_NOW,
    SPRING_SLOTS,
    FeedServer,
    SilentServer,
    calendar,
    event,
)
from desk_helpers import staff_client

from forms_service.booking.availability import AvailabilityError, parse_availability
from forms_service.db import db


def with_calendar(table, text=ONE_CONSULTANT):
    """text with a [consultants.calendar] table for its last consultant."""
    lines = "".join(f"{key} = {value!r}\n".replace("'", '"') for key, value in table.items())
    return text + "[consultants.calendar]\n" + lines


class Clock:
    """The calendar cache's clock, moved by hand."""

    def __init__(self):
        self.now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def feeds():
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make(tmp_path, ebook_source, clock, closing):
    """make(availability text, booking now, **config): an app; disposed afterwards."""
    def build(text, now=SPRING_NOW, **overrides):
        config = {"BOOKING_CLOCK": lambda: now, "CALENDAR_CLOCK": clock,
                  "CALENDAR_TIMEOUT": 2.0, **overrides}
        return closing(booking_app(tmp_path, ebook_source, availability=text, **config))

    return build


def offered(app, first, last):
    """{local date: [HH:MM, ...]} of the slots /booking/slots offers from first to last."""
    response = app.test_client().get(f"/booking/slots?from={first}&to={last}")
    assert response.status_code == 200
    days = {}
    for item in response.get_json()["slots"]:
        start = datetime.fromisoformat(item["start"])
        days.setdefault(start.date().isoformat(), []).append(start.strftime("%H:%M"))
    return days


def ready_calendars(app):
    response = app.test_client().get("/ready")
    assert response.status_code == 200
    return response.get_json()


# --- the availability file --------------------------------------------------------------

@pytest.mark.parametrize("table, message", [
    ({"ics_url": "https://x.test/a.ics", "caldav_url": "https://x.test/dav/"},
     "consultant 1: calendar needs exactly one of caldav_url and ics_url"),
    ({"caldav_url": "https://x.test/dav/", "user": "a", "password": "hemligt"},
     "consultant 1: calendar: put the password in the environment (password_env) or a file "
     "(password_file), never in this file"),
    ({"ics_url": "ftp://x.test/a.ics"},
     "consultant 1: calendar: ics_url must be an http(s) address, not 'ftp://x.test/a.ics'"),
    ({"ics_url": "https://x.test/a.ics", "user": "a"},
     "consultant 1: calendar: user is for a CalDAV calendar and must be text"),
    ({"caldav_url": "https://x.test/dav/", "query": "all"},
     "consultant 1: calendar: query must be one of events, freebusy (CalDAV only)"),
    ({"ics_url": "https://x.test/a.ics", "colour": "red"},
     "consultant 1: calendar: unknown setting colour"),
])
def test_calendar_settings_are_checked(table, message):
    with pytest.raises(AvailabilityError) as error:
        parse_availability(tomllib.loads(with_calendar(table)), "test.toml")
    assert str(error.value) == f"test.toml: {message}"


def test_webcal_addresses_are_read_over_https():
    rules = parse_availability(tomllib.loads(with_calendar(
        {"ics_url": "webcal://p01-caldav.icloud.com/published/2/abc"})), "test.toml")
    assert rules.consultants[0].calendar.url == "https://p01-caldav.icloud.com/published/2/abc"


# --- every trap of section 2, over a feed and over CalDAV --------------------------------

SEASONS = {
    "spring": (SPRING_EVENTS, SPRING_NOW, "2026-03-23", "2026-04-21", SPRING_SLOTS),
    "autumn": (AUTUMN_EVENTS, AUTUMN_NOW, "2026-10-19", "2026-11-06", AUTUMN_SLOTS),
}


def weekdays_between(first, last, holidays=("2026-04-03", "2026-04-06")):
    day, days = datetime.fromisoformat(first).date(), []
    while day <= datetime.fromisoformat(last).date():
        if day.weekday() < 5 and day.isoformat() not in holidays:
            days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def expected(first, last, slots):
    """Every working day: its listed slots, or all six; days with none are left out."""
    days = {day: slots.get(day, ALL) for day in weekdays_between(first, last)}
    blocked = {"2026-03-27", "2026-03-31", "2026-04-01", "2026-10-29", "2026-10-30"}
    return {day: times for day, times in days.items() if day not in blocked}


@pytest.mark.parametrize("season", SEASONS)
def test_feed_busy_times_block_exactly_their_slots(make, feeds, season):
    events, now, first, last, slots = SEASONS[season]
    feeds.feeds["/alva.ics"] = (200, calendar(events))
    app = make(with_calendar({"ics_url": feeds.url + "/alva.ics"}), now=now)
    assert offered(app, first, last) == expected(first, last, slots)


@pytest.mark.parametrize("season", SEASONS)
def test_caldav_calendar_query_blocks_exactly_the_same_slots(make, radicale, season):
    events, now, first, last, slots = SEASONS[season]
    url = radicale.put_calendar(f"traps-{season}", calendar(events))
    app = make(with_calendar({"caldav_url": url, "user": RADICALE_USER, "query": "events",
                              "password_env": "TEST_RADICALE_PASSWORD"}), now=now)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TEST_RADICALE_PASSWORD", RADICALE_PASSWORD)
        assert offered(app, first, last) == expected(first, last, slots)


FREEBUSY_EVENTS = """
BEGIN:VEVENT
UID:timed
DTSTART;TZID=Europe/Stockholm:20260323T100000
DTEND;TZID=Europe/Stockholm:20260323T110000
END:VEVENT
BEGIN:VEVENT
UID:weekly
DTSTART;TZID=Europe/Stockholm:20260324T130000
DTEND;TZID=Europe/Stockholm:20260324T134500
RRULE:FREQ=WEEKLY;COUNT=2
EXDATE;TZID=Europe/Stockholm:20260331T130000
END:VEVENT
BEGIN:VEVENT
UID:weekly-across-the-change
DTSTART;TZID=Europe/Stockholm:20260327T090000
DTEND;TZID=Europe/Stockholm:20260327T094500
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
BEGIN:VEVENT
UID:transparent
DTSTART;TZID=Europe/Stockholm:20260325T090000
DTEND;TZID=Europe/Stockholm:20260325T100000
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:cancelled
DTSTART;TZID=Europe/Stockholm:20260325T130000
DTEND;TZID=Europe/Stockholm:20260325T140000
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:new-york
DTSTART;TZID=America/New_York:20260324T090000
DTEND;TZID=America/New_York:20260324T100000
END:VEVENT
BEGIN:VEVENT
UID:moved
DTSTART;TZID=Europe/Stockholm:20260330T100000
DTEND;TZID=Europe/Stockholm:20260330T104500
RRULE:FREQ=WEEKLY;COUNT=2
END:VEVENT
BEGIN:VEVENT
UID:moved
RECURRENCE-ID;TZID=Europe/Stockholm:20260330T100000
DTSTART;TZID=Europe/Stockholm:20260330T140000
DTEND;TZID=Europe/Stockholm:20260330T144500
END:VEVENT
"""


@pytest.mark.parametrize("query, monday_30, tuesday_24", [
    # Read and expanded here: right.
    ("events", ["09:00", "10:00", "11:00", "13:00", "15:00"],
     ["09:00", "10:00", "11:00", "15:00"]),
    # Radicale's own free-busy answer reads times after a clock change with the offset
    # before it: the New York call falls at 15:00 (EST, not EDT), the moved 14:00
    # meeting at 15:00. Why "events" is the default.
    ("freebusy", ["09:00", "10:00", "11:00", "13:00", "14:00"],
     ["09:00", "10:00", "11:00", "14:00"]),
])
def test_caldav_free_busy_query_and_calendar_query(make, radicale, tmp_path, query,
                                                   monday_30, tuesday_24):
    from forms_service.booking.calendars.fetch import REQUESTS

    url = radicale.put_calendar(f"freebusy-{query}", calendar(FREEBUSY_EVENTS))
    secret = tmp_path / "caldav-password"
    secret.write_text(RADICALE_PASSWORD + "\n", encoding="utf-8")
    app = make(with_calendar({"caldav_url": url, "user": RADICALE_USER, "query": query,
                              "password_file": str(secret)}))
    before = dict(REQUESTS)
    assert offered(app, "2026-03-23", "2026-04-06") == {
        "2026-03-23": ["09:00", "11:00", "13:00", "14:00", "15:00"],
        "2026-03-24": tuesday_24,
        "2026-03-25": ALL,  # transparent and cancelled
        "2026-03-26": ALL,
        "2026-03-27": ["10:00", "11:00", "13:00", "14:00", "15:00"],
        "2026-03-30": monday_30,
        "2026-03-31": ALL,  # EXDATE
        "2026-04-01": ALL,
        "2026-04-02": ALL,
    }
    # One REPORT per reading: free-busy needs no calendar-query after it.
    assert REQUESTS[query] == before[query] + 1
    assert sum(REQUESTS.values()) == sum(before.values()) + 1
    assert ready_calendars(app)["calendars"][0]["state"] == "ok"


# --- fresh, not slow ---------------------------------------------------------------------

def test_one_reading_serves_every_process_until_it_is_a_minute_old(make, feeds, clock,
                                                                   database):
    feeds.feeds["/alva.ics"] = (200, calendar(event("x", "20260330T100000",
                                                    "20260330T110000")))
    text = with_calendar({"ics_url": feeds.url + "/alva.ics"})
    first, second = make(text, **database), make(text, **database)  # two "processes"
    assert offered(first, "2026-03-30", "2026-03-30")["2026-03-30"] == [
        "09:00", "11:00", "13:00", "14:00", "15:00"]
    assert offered(second, "2026-04-20", "2026-04-24")["2026-04-20"] == ALL
    assert feeds.hits["/alva.ics"] == 1
    feeds.feeds["/alva.ics"] = (200, calendar(event("y", "20260330T140000",
                                                    "20260330T150000")))
    clock.advance(59)
    assert "10:00" not in offered(second, "2026-03-30", "2026-03-30")["2026-03-30"]
    clock.advance(2)
    assert offered(first, "2026-03-30", "2026-03-30")["2026-03-30"] == [
        "09:00", "10:00", "11:00", "13:00", "15:00"]
    assert feeds.hits["/alva.ics"] == 2


def test_concurrent_requests_of_a_process_wait_for_one_reading(make, feeds):
    import threading

    feeds.feeds["/alva.ics"] = (200, calendar(event("x", "20260330T100000",
                                                    "20260330T110000")))
    feeds.delay = 0.5
    app = make(with_calendar({"ics_url": feeds.url + "/alva.ics"}))
    answers = []

    def ask():
        answers.append(offered(app, "2026-03-30", "2026-03-30"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert answers == [{"2026-03-30": ["09:00", "11:00", "13:00", "14:00", "15:00"]}] * 4
    assert feeds.hits["/alva.ics"] == 1


def test_a_meeting_added_after_the_listing_cannot_be_booked(make, feeds, database):
    feeds.feeds["/alva.ics"] = (200, calendar())
    app = make(with_calendar({"ics_url": feeds.url + "/alva.ics"}), **database)
    assert "09:00" in offered(app, "2026-03-30", "2026-03-30")["2026-03-30"]
    # Added in Outlook a minute later: the cached listing still offers 09:00 ...
    feeds.feeds["/alva.ics"] = (200, calendar(event("new", "20260330T091500",
                                                    "20260330T093000")))
    assert "09:00" in offered(app, "2026-03-30", "2026-03-30")["2026-03-30"]
    # ... but the booking reads the calendar again and refuses.
    response = Visitor(app.test_client()).book(start="2026-03-30T09:00:00+02:00")
    assert response.status_code == 409
    assert bookings(app) == []
    assert Visitor(app.test_client()).book(
        start="2026-03-30T10:00:00+02:00").status_code == 200
    assert [b.consultant for b in bookings(app)] == ["alva"]


def test_the_booking_goes_to_a_colleague_whose_calendar_is_free(make, feeds):
    feeds.feeds["/alva.ics"] = (200, calendar())
    text = with_calendar({"ics_url": feeds.url + "/alva.ics"}) + BO
    app = make(text)
    offered(app, "2026-03-30", "2026-03-30")
    feeds.feeds["/alva.ics"] = (200, calendar(event("new", "20260330T090000",
                                                    "20260330T100000")))
    assert Visitor(app.test_client()).book(
        start="2026-03-30T09:00:00+02:00").status_code == 200
    assert [b.consultant for b in bookings(app)] == ["bo"]


# --- a calendar that cannot be read fails closed -----------------------------------------

BO_ONLY = {"2026-03-30": ["09:00", "10:00", "11:00"]}


@pytest.mark.parametrize("kind, error", [
    ("unauthorized", "HTTP 401 from the feed"),
    ("missing", "HTTP 404 from the feed"),
    ("malformed", "not iCalendar"),
    ("hangs", "timed out"),
    ("refused", "feed unreachable"),
])
def test_an_unreadable_calendar_closes_only_its_consultants_slots(make, feeds, kind, error):
    feeds.feeds["/alva.ics"] = {
        "unauthorized": (401, b"Unauthorized"),
        "malformed": (200, b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:yesterday\n"),
    }.get(kind, (200, b""))
    url = feeds.url + ("/alva.ics" if kind != "missing" else "/nowhere.ics")
    silent = SilentServer()
    if kind == "hangs":
        url = silent.url + "/alva.ics"
    elif kind == "refused":
        silent.close()
        url = silent.url + "/alva.ics"
    try:
        app = make(with_calendar({"ics_url": url}) + BO, CALENDAR_TIMEOUT=0.5)
        assert offered(app, "2026-03-30", "2026-03-30") == BO_ONLY
        response = Visitor(app.test_client()).book(start="2026-03-30T13:00:00+02:00")
        assert response.status_code == 409
        body = ready_calendars(app)
    finally:
        silent.close()
    alva = body["calendars"][0]
    assert (alva["consultant"], alva["state"], alva["read_at"]) == ("alva", "closed", None)
    assert error in alva["error"]
    assert "calendar of alva unreadable" in body["warning"]


def test_the_last_good_reading_is_used_until_it_is_ten_minutes_old(make, feeds, clock):
    feeds.feeds["/alva.ics"] = (200, calendar(event("x", "20260330T130000",
                                                    "20260330T140000")))
    app = make(with_calendar({"ics_url": feeds.url + "/alva.ics"}) + BO)
    with_alva = {"2026-03-30": ["09:00", "10:00", "11:00", "14:00", "15:00"]}
    assert offered(app, "2026-03-30", "2026-03-30") == with_alva
    feeds.feeds["/alva.ics"] = (401, b"")
    clock.advance(61)
    assert offered(app, "2026-03-30", "2026-03-30") == with_alva
    assert ready_calendars(app)["calendars"][0]["state"] == "stale"
    # A calendar that just failed is not asked again on every request.
    assert offered(app, "2026-03-30", "2026-03-30") == with_alva
    assert feeds.hits["/alva.ics"] == 2
    clock.advance(540)
    assert offered(app, "2026-03-30", "2026-03-30") == BO_ONLY
    state = ready_calendars(app)["calendars"][0]
    assert state["state"] == "closed"
    assert state["read_at"] == "2026-12-02T12:00:00+00:00"
    # Readable again: the slots come back at the next read.
    feeds.feeds["/alva.ics"] = (200, calendar())
    clock.advance(61)
    assert offered(app, "2026-03-30", "2026-03-30")["2026-03-30"] == [
        "09:00", "10:00", "11:00", "13:00", "14:00", "15:00"]
    assert ready_calendars(app)["calendars"][0]["state"] == "ok"


def test_a_refused_caldav_password_closes_the_slots(make, radicale, monkeypatch):
    url = radicale.put_calendar("refused", calendar())
    monkeypatch.setenv("TEST_RADICALE_PASSWORD", "fel-lösenord")
    app = make(with_calendar({"caldav_url": url, "user": RADICALE_USER,
                              "password_env": "TEST_RADICALE_PASSWORD"}) + BO)
    assert offered(app, "2026-03-30", "2026-03-30") == BO_ONLY
    state = ready_calendars(app)["calendars"][0]
    assert state["state"] == "closed"
    assert state["error"] == "the CalDAV server refused the user or password"
    monkeypatch.delenv("TEST_RADICALE_PASSWORD")
    clock_app = make(with_calendar({"caldav_url": url, "user": RADICALE_USER,
                                    "password_env": "TEST_RADICALE_PASSWORD"}) + BO,
                     CALENDAR_CACHE_SECONDS=0)
    assert offered(clock_app, "2026-03-30", "2026-03-30") == BO_ONLY
    assert ready_calendars(clock_app)["calendars"][0]["error"] == (
        "the variable TEST_RADICALE_PASSWORD is not set")


def test_the_desk_lists_each_calendars_state(make, feeds):
    feeds.feeds["/alva.ics"] = (200, calendar())
    app = make(with_calendar({"ics_url": feeds.url + "/alva.ics"}) + with_calendar(
        {"ics_url": feeds.url + "/bo-secret-token.ics"}, BO))
    client = staff_client(app)
    html = client.get("/admin/calendars?lang=sv").get_data(as_text=True)
    assert "Inte läst ännu" in html and "Alva Ek" in html
    offered(app, "2026-03-30", "2026-03-30")
    html = client.get("/admin/calendars?lang=sv").get_data(as_text=True)
    assert "<h1>Kalendrar</h1>" in html
    assert "Läst" in html and "Går inte att läsa – tiderna är stängda" in html
    assert "HTTP 404 from the feed" in html
    assert 'datetime="2026-12-02T12:00:00+00:00">2026-12-02 13:00 (Europe/Stockholm)' in html
    # The feed's secret path is never shown, only its server.
    assert "bo-secret-token" not in html and feeds.url in html
    html = client.get("/admin/calendars?lang=en").get_data(as_text=True)
    assert "<h1>Calendars</h1>" in html and "Cannot be read; slots closed" in html
    assert 'aria-current="page">Calendars</a>' in html


def test_a_caldav_server_that_hangs_fails_closed_within_the_timeout(make):
    silent = SilentServer()
    try:
        app = make(with_calendar({"caldav_url": silent.url + "/anna/work/"}) + BO,
                   CALENDAR_TIMEOUT=0.5)
        started = datetime.now(UTC)
        assert offered(app, "2026-03-30", "2026-03-30") == BO_ONLY
        assert datetime.now(UTC) - started < timedelta(seconds=5)
        state = ready_calendars(app)["calendars"][0]
    finally:
        silent.close()
    assert state["state"] == "closed"
    assert state["error"].startswith("CalDAV server unreachable")


@pytest.mark.parametrize("stale_seconds, status, consultants", [
    (600, 200, ["alva"]),  # the reading of a moment ago stands in
    (0, 409, []),          # no reading is recent enough: the booking is refused
])
def test_the_booking_check_falls_back_only_to_a_recent_reading(make, feeds, stale_seconds,
                                                                status, consultants):
    feeds.feeds["/alva.ics"] = (200, calendar())
    app = make(with_calendar({"ics_url": feeds.url + "/alva.ics"}),
               CALENDAR_STALE_SECONDS=stale_seconds)
    assert "09:00" in offered(app, "2026-03-30", "2026-03-30")["2026-03-30"]
    feeds.feeds["/alva.ics"] = (401, b"")
    response = Visitor(app.test_client()).book(start="2026-03-30T09:00:00+02:00")
    assert response.status_code == status
    assert [b.consultant for b in bookings(app)] == consultants
    assert feeds.hits["/alva.ics"] == 2


def test_ready_answers_when_the_cache_table_is_missing(make, feeds):
    app = make(with_calendar({"ics_url": feeds.url + "/alva.ics"}))
    with app.app_context(), db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE calendar_cache")
    body = ready_calendars(app)
    assert body["calendars"] == [
        {"state": "unknown", "consultant": "*", "error": "calendar_cache unreadable"}]
    assert body["warning"] == ("calendar of * unreadable (calendar_cache unreadable); "
                               "the calendars' states cannot be read")
