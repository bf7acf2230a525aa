"""Availability: the slot grid in Stockholm time, DST, holidays, rules and the config file."""

import tomllib
from datetime import UTC, date, datetime, timedelta

import pytest
from booking_helpers import ONE_CONSULTANT, Visitor, booking_app, bookings

from forms_service.booking import EXAMPLE
from forms_service.booking.availability import (
    AvailabilityError,
    load_availability,
    parse_availability,
)


def rules(text=ONE_CONSULTANT):
    return parse_availability(tomllib.loads(text), "test.toml")


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def starts(day, text=ONE_CONSULTANT):
    return [s.isoformat() for s in rules(text).grid(day)]


@pytest.mark.parametrize("day, first", [
    # Spring: CET (+01:00) until Sunday 29 March 2026, CEST (+02:00) from then on.
    (date(2026, 3, 27), "2026-03-27T08:00:00+00:00"),
    (date(2026, 3, 30), "2026-03-30T07:00:00+00:00"),
    # Autumn: CEST until Sunday 25 October 2026, CET from then on.
    (date(2026, 10, 23), "2026-10-23T07:00:00+00:00"),
    (date(2026, 10, 26), "2026-10-26T08:00:00+00:00"),
])
def test_nine_oclock_in_stockholm_across_both_dst_changes(day, first):
    grid = starts(day)
    assert grid[0] == first
    # 09:00, 10:00, 11:00 and 13:00, 14:00, 15:00 local: 45 minutes plus a 15 minute buffer.
    local = [datetime.fromisoformat(s).astimezone(rules().zone).strftime("%H:%M") for s in grid]
    assert local == ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00"]


NIGHT_SHIFT = """
meeting_minutes = 60
buffer_minutes = 0
[[consultants]]
key = "natt"
name = "Natt"
email = "natt@normkraft.se"
hours = { sun = ["00:00-06:00"] }
"""


@pytest.mark.parametrize("day, count, hours", [
    (date(2026, 3, 29), 5, ["00:00", "01:00", "03:00", "04:00", "05:00"]),  # 02:00 never happens
    (date(2026, 10, 25), 7, ["00:00", "01:00", "02:00", "02:00", "03:00", "04:00", "05:00"]),
])
def test_hours_that_span_the_change_give_real_hour_long_meetings(day, count, hours):
    availability = rules(NIGHT_SHIFT)
    grid = list(availability.grid(day))
    assert len(grid) == count
    assert [s.astimezone(availability.zone).strftime("%H:%M") for s in grid] == hours
    assert all(b - a == timedelta(hours=1) for a, b in zip(grid, grid[1:], strict=False))


@pytest.mark.parametrize("day", [
    date(2026, 4, 3),   # Good Friday
    date(2026, 4, 6),   # Easter Monday
    date(2026, 5, 1),   # May Day
    date(2026, 5, 14),  # Ascension Day
    date(2026, 6, 6),   # National Day (a Saturday; no hours anyway)
    date(2026, 12, 25),
])
def test_swedish_public_holidays_have_no_slots(day):
    assert starts(day) == []


def test_closed_days_from_the_file():
    text = ONE_CONSULTANT.replace("horizon_days = 42", 'horizon_days = 42\nclosed_days = ["12-23"]')
    assert starts(date(2026, 12, 23), text) == []
    assert starts(date(2026, 12, 22), text) != []


NOW = utc(2026, 3, 20, 12, 0)  # Friday 13:00 in Stockholm


@pytest.mark.parametrize("start, problem", [
    (utc(2026, 3, 19, 8, 0), "past"),
    (utc(2026, 4, 3, 7, 0), "holiday"),           # Good Friday 09:00
    (utc(2026, 3, 30, 7, 10), "off_grid"),        # 09:10
    (utc(2026, 3, 30, 5, 0), "off_grid"),         # 07:00, before working hours
    (utc(2026, 3, 28, 8, 0), "off_grid"),         # Saturday
    (utc(2026, 3, 30, 10, 0), "off_grid"),        # 12:00, lunch
    (utc(2026, 3, 20, 14, 0), "notice"),          # today 15:00
    (utc(2026, 3, 23, 8, 0), None),               # Monday 09:00, CET
    (utc(2026, 5, 1, 7, 0), "holiday"),
    (utc(2026, 5, 4, 7, 0), "horizon"),           # 45 days ahead
    (utc(9999, 12, 31, 23, 30), "horizon"),       # already year 10000 in Stockholm
    (utc(2026, 3, 30, 7, 0), None),               # Monday 09:00, CEST
])
def test_problem_names_why_a_start_is_refused(start, problem):
    assert rules().problem(start, NOW) == problem


def test_free_slots_leave_out_busy_times_and_their_buffer():
    availability = rules()
    day_start, day_end = utc(2026, 3, 30, 0, 0), utc(2026, 3, 31, 0, 0)
    # A booking 10:00-10:45 blocks until 11:00; one from 13:30 (off the grid) blocks
    # 13:00 and 14:00.
    busy = {"alva": [(utc(2026, 3, 30, 8, 0), utc(2026, 3, 30, 9, 0)),
                     (utc(2026, 3, 30, 11, 30), utc(2026, 3, 30, 12, 30))]}
    free = availability.free_slots(day_start, day_end, NOW, busy)
    local = [s.start.astimezone(availability.zone).strftime("%H:%M") for s in free]
    assert local == ["09:00", "11:00", "15:00"]
    assert all(s.end - s.start == timedelta(minutes=45) for s in free)


def test_free_slots_respect_notice_and_horizon():
    availability = rules()
    free = availability.free_slots(NOW - timedelta(days=1), NOW + timedelta(days=100), NOW, {})
    assert free[0].start == utc(2026, 3, 23, 8, 0)  # Monday, the first day after 24 h notice
    assert free[-1].start <= NOW + timedelta(days=42)


def test_the_committed_example_loads():
    availability = load_availability(EXAMPLE)
    assert [c.key for c in availability.consultants] == ["anna", "erik"]
    assert availability.meeting == timedelta(minutes=45)
    assert availability.zone.key == "Europe/Stockholm"


@pytest.mark.parametrize("day", [
    date(2026, 6, 19),   # Midsummer Eve (a Friday: Erik works Friday mornings)
    date(2026, 12, 24),  # Christmas Eve
    date(2026, 12, 31),  # New Year's Eve
])
def test_the_example_closes_on_the_swedish_eves(day):
    availability = load_availability(EXAMPLE)
    assert availability.is_closed(day)
    assert availability.grid(day) == {}
    assert availability.grid(day - timedelta(days=1)) != {}  # an ordinary working day


def test_midsummer_eve_cannot_be_booked_with_the_example(tmp_path, ebook_source, closing):
    june = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # Monday 10:00 in Stockholm
    app = closing(booking_app(tmp_path, ebook_source, EXAMPLE.read_text(encoding="utf-8"),
                              BOOKING_CLOCK=lambda: june))
    client = app.test_client()
    days = client.get("/booking/slots?from=2026-06-18&to=2026-06-22").get_json()["slots"]
    assert {s["start"][:10] for s in days} == {"2026-06-18", "2026-06-22"}
    answer = Visitor(client).book(lang="en", start="2026-06-19T09:00:00+02:00")
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {
        "start": ["We are closed that day. Please pick another."]}
    assert bookings(app) == []


@pytest.mark.parametrize("text, message", [
    ('time_zone = "Mars/Olympus"\n[[consultants]]\nkey="a"\nname="A"\nemail="a@x.se"\n'
     'hours={mon=["09:00-10:00"]}', "test.toml: time_zone 'Mars/Olympus' is not a known time zone"),
    ("meeting_minutes = 0",
     "test.toml: meeting_minutes must be a whole number from 5 to 480, not 0"),
    ('buffer_minutes = "15"',
     "test.toml: buffer_minutes must be a whole number from 0 to 240, not '15'"),
    ("", "test.toml: at least one [[consultants]] entry is needed"),
    ('[[consultants]]\nkey="a"\nname="A"', "test.toml: consultant 1: email is missing"),
    ('[[consultants]]\nkey="a"\nname="A"\nemail="a@x.se"\nhours={mon=["9-10"]}',
     "test.toml: consultant 1: mon '9-10' is not a period like \"09:00-12:00\""),
    ('[[consultants]]\nkey="a"\nname="A"\nemail="a@x.se"\nhours={mon=["12:00-09:00"]}',
     "test.toml: consultant 1: mon '12:00-09:00' ends before it starts"),
    ('[[consultants]]\nkey="a"\nname="A"\nemail="a@x.se"\nhours={funday=["09:00-10:00"]}',
     "test.toml: consultant 1: 'funday' is not one of mon, tue, wed, thu, fri, sat, sun"),
    ('[[consultants]]\nkey="a"\nname="A"\nemail="a@x.se"',
     "test.toml: consultant 1: no working hours"),
    ('closed_days = ["24 Dec"]\n[[consultants]]\nkey="a"\nname="A"\nemail="a@x.se"\n'
     'hours={mon=["09:00-10:00"]}',
     "test.toml: closed_days: '24 Dec' is not a month and day like \"12-24\""),
])
def test_bad_configuration_names_the_file_and_the_value(text, message):
    with pytest.raises(AvailabilityError) as info:
        parse_availability(tomllib.loads(text), "test.toml")
    assert str(info.value) == message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(AvailabilityError) as info:
        load_availability(tmp_path / "nope.toml")
    assert str(info.value) == f"{tmp_path / 'nope.toml'}: file not found"
