"""Meeting times: consultants' weekly hours, the booking rules and public holidays.

Working hours are wall-clock times in the configured zone (Europe/Stockholm). Every
slot is computed as an aware datetime and compared in UTC, so a 09:00 meeting stays at
09:00 local time on both sides of a daylight-saving change.
"""

import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .calendars.source import parse_source

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AvailabilityError(ValueError):
    """The availability file is missing a value or has a bad one."""


@dataclass(frozen=True)
class Consultant:
    key: str
    name: str
    email: str
    # weekday (0 = Monday) -> ((start, end), ...) in wall-clock time
    hours: dict = field(hash=False)
    calendar: object = None  # a calendars.source.CalendarSource, or None


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime
    consultants: tuple  # keys of the consultants free then, in configuration order


@dataclass(frozen=True)
class Availability:
    zone: ZoneInfo
    meeting: timedelta
    buffer: timedelta
    notice: timedelta
    horizon: timedelta
    consultants: tuple
    holiday_country: str = "SE"
    holiday_categories: tuple = ("public",)
    closed_days: tuple = ()  # "MM-DD", every year

    def consultant(self, key):
        """Return the consultant with key, or None."""
        return next((c for c in self.consultants if c.key == key), None)

    def is_closed(self, day):
        """True on a public holiday or a configured closed day."""
        return day in _holidays(self.holiday_country, self.holiday_categories, day.year) or (
            day.strftime("%m-%d") in self.closed_days)

    def grid(self, day):
        """Return {start (UTC): [consultant keys]} for the local day, ignoring bookings."""
        if self.is_closed(day):
            return {}
        step = self.meeting + self.buffer
        starts = {}
        for consultant in self.consultants:
            for begin, finish in consultant.hours.get(day.weekday(), ()):
                start = self._utc(day, begin)
                end = self._utc(day, finish)
                # Steps are taken in real (UTC) time, so every meeting lasts exactly
                # `meeting`, also on the nights the clocks change.
                while start + self.meeting <= end:
                    starts.setdefault(start, []).append(consultant.key)
                    start += step
        return dict(sorted(starts.items()))

    def _utc(self, day, wall):
        # A wall time inside the spring gap (02:30) is read with the winter offset, which
        # lands it after the gap; an ambiguous autumn time takes its first occurrence.
        return datetime.combine(day, wall, tzinfo=self.zone).astimezone(UTC)

    def window(self, now):
        """The first and last moment a meeting may start, seen from now."""
        return now + self.notice, now + self.horizon

    def free_slots(self, start, end, now, busy):
        """Return the Slots starting in [start, end) that can be booked now.

        busy maps a consultant key to (start, blocked_until) pairs in UTC.
        """
        # Sorted and joined once, so each slot is a binary search, not a scan of a
        # calendar's hundreds of busy times.
        busy = {key: _Joined(pairs) for key, pairs in busy.items()}
        first, last = self.window(now)
        start, end = max(start, first), min(end, last)
        slots = []
        day = start.astimezone(self.zone).date()
        while day <= (end - timedelta(microseconds=1)).astimezone(self.zone).date():
            for slot_start, keys in self.grid(day).items():
                if not start <= slot_start < end:
                    continue
                until = slot_start + self.meeting + self.buffer
                free = tuple(k for k in keys if k not in busy or busy[k].free(slot_start, until))
                if free:
                    slots.append(Slot(slot_start, slot_start + self.meeting, free))
            day += timedelta(days=1)
        return slots

    def is_free(self, key, slot_start, busy):
        """True when nothing of key's overlaps the slot plus its trailing buffer."""
        blocked_until = slot_start + self.meeting + self.buffer
        return not any(b_start < blocked_until and slot_start < b_until
                       for b_start, b_until in busy.get(key, ()))

    def problem(self, start, now):
        """Why start cannot be booked ("past", "holiday", "off_grid", "notice",
        "horizon"), or None when it is a bookable slot of the grid."""
        start = start.astimezone(UTC)
        if start <= now:
            return "past"
        first, last = self.window(now)
        # Before looking at the local day, which 9999-12-31T23:30Z does not have.
        if start > last:
            return "horizon"
        day = start.astimezone(self.zone).date()
        if self.is_closed(day):
            return "holiday"
        if start not in self.grid(day):
            return "off_grid"
        if start < first:
            return "notice"
        return None


class _Joined:
    """Busy (start, end) pairs, sorted with overlapping ones joined: ends rise with starts."""

    def __init__(self, pairs):
        starts, ends = [], []
        for begin, finish in sorted(pairs):
            if ends and begin <= ends[-1]:
                ends[-1] = max(finish, ends[-1])
            else:
                starts.append(begin)
                ends.append(finish)
        self.starts, self.ends = starts, ends

    def free(self, start, until):
        """True when no pair overlaps [start, until)."""
        # The first pair ending after start is the only one that can overlap.
        index = bisect_right(self.ends, start)
        return index == len(self.ends) or self.starts[index] >= until


@lru_cache(maxsize=32)
def _holidays(country, categories, year):
    return holidays.country_holidays(country, years=year, categories=categories)


def load_availability(path):
    """Read and check an availability TOML file; errors name the file and the value."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise AvailabilityError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise AvailabilityError(f"{path}: {exc}") from None
    return parse_availability(data, str(path))


def parse_availability(data, source="availability"):
    """Build an Availability from the parsed TOML data."""
    def fail(message):
        raise AvailabilityError(f"{source}: {message}")

    def minutes(name, default, low, high):
        value = data.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            fail(f"{name} must be a whole number from {low} to {high}, not {value!r}")
        return value

    try:
        zone = ZoneInfo(str(data.get("time_zone", "Europe/Stockholm")))
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"time_zone {data.get('time_zone')!r} is not a known time zone")
    meeting = minutes("meeting_minutes", 45, 5, 480)
    buffer = minutes("buffer_minutes", 15, 0, 240)
    notice = minutes("min_notice_hours", 24, 0, 24 * 60)
    horizon = minutes("horizon_days", 42, 1, 366)
    categories = data.get("holiday_categories", ["public"])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        fail("holiday_categories must be a list of names, e.g. [\"public\"]")
    country = str(data.get("holiday_country", "SE"))
    try:
        holidays.country_holidays(country, years=2026, categories=tuple(categories))
    except (NotImplementedError, ValueError) as exc:
        fail(f"holiday_country/holiday_categories: {exc}")
    closed = data.get("closed_days", [])
    for day in closed:
        try:
            datetime.strptime(f"2000-{day}", "%Y-%m-%d")
        except (TypeError, ValueError):
            fail(f"closed_days: {day!r} is not a month and day like \"12-24\"")
    people = data.get("consultants")
    if not isinstance(people, list) or not people:
        fail("at least one [[consultants]] entry is needed")
    consultants = tuple(_consultant(entry, number, fail)
                        for number, entry in enumerate(people, start=1))
    keys = [c.key for c in consultants]
    if len(set(keys)) != len(keys):
        fail("two consultants have the same key")
    return Availability(zone=zone, meeting=timedelta(minutes=meeting),
                        buffer=timedelta(minutes=buffer), notice=timedelta(hours=notice),
                        horizon=timedelta(days=horizon), consultants=consultants,
                        holiday_country=country, holiday_categories=tuple(categories),
                        closed_days=tuple(closed))


def _consultant(entry, number, fail):
    where = f"consultant {number}"
    for name in ("key", "name", "email"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            fail(f"{where}: {name} is missing")
    if len(entry["key"]) > 40:
        fail(f"{where}: key is longer than 40 characters")
    hours = {}
    for day, periods in (entry.get("hours") or {}).items():
        if day not in WEEKDAYS:
            fail(f"{where}: {day!r} is not one of {', '.join(WEEKDAYS)}")
        parsed = []
        for period in periods:
            try:
                begin, finish = (time.fromisoformat(p.strip()) for p in period.split("-"))
            except (AttributeError, ValueError):
                fail(f"{where}: {day} {period!r} is not a period like \"09:00-12:00\"")
            if finish <= begin:
                fail(f"{where}: {day} {period!r} ends before it starts")
            parsed.append((begin, finish))
        hours[WEEKDAYS.index(day)] = tuple(sorted(parsed))
    if not hours:
        fail(f"{where}: no working hours")
    calendar = parse_source(entry.get("calendar"), lambda message: fail(f"{where}: {message}"))
    return Consultant(key=entry["key"], name=entry["name"], email=entry["email"], hours=hours,
                      calendar=calendar)

