"""Busy times from iCalendar data: events expanded with recurring-ical-events, or VFREEBUSY.

Every time comes out as a (start, end) pair of aware UTC datetimes. Dates (all-day and
multi-day events) and floating times are read in the consultant's zone, so an all-day
event blocks the whole local day also when that day is 23 or 25 hours long.
"""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import recurring_ical_events
import x_wr_timezone

from .entry import MARK
from .source import CalendarUnreadable

# FBTYPE values that keep a slot: FREE only (RFC 5545 3.2.9); tentative time is busy.
FREE_TYPES = {"FREE"}


def _utc(value, zone):
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone).astimezone(UTC)
    raise TypeError(f"not a date or time: {value!r}")


def parse(data):
    """The icalendar.Calendar in data (bytes or text); CalendarUnreadable when it is none."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
        # Google's feeds give floating times with X-WR-TIMEZONE: make them real TZIDs.
        return x_wr_timezone.to_standard(calendar)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise CalendarUnreadable(f"not iCalendar: {exc}") from None


def event_busy(calendars, zone, start, end):
    """Merged busy (start, end) pairs of the VEVENTs in calendars overlapping [start, end)."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    periods = []
    for calendar in calendars:
        try:
            occurrences = recurring_ical_events.of(calendar, components=["VEVENT"]).between(
                local_start, local_end)
        except (ValueError, TypeError, KeyError) as exc:
            raise CalendarUnreadable(f"cannot expand the events: {exc}") from None
        for event in occurrences:
            if MARK in event:
                continue  # our own copy of a booking: the bookings table blocks that time
            if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
                continue
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            try:
                begin, finish = event.start, event.end
            except (icalendar.InvalidCalendar, KeyError, ValueError):
                continue  # an event without DTSTART has no time to block
            periods.append((_utc(begin, zone), _utc(finish, zone)))
    # between() has already kept only what touches [start, end).
    return merge(periods)


def freebusy_busy(calendar, zone, start, end):
    """Merged busy pairs of a VFREEBUSY answer (every FBTYPE but FREE)."""
    periods = []
    for component in calendar.walk("VFREEBUSY"):
        values = component.get("FREEBUSY", [])
        for prop in values if isinstance(values, list) else [values]:
            if str(prop.params.get("FBTYPE", "BUSY")).upper() in FREE_TYPES:
                continue
            begin, finish = prop.dt
            if isinstance(finish, timedelta):
                finish = begin + finish
            periods.append((_utc(begin, zone), _utc(finish, zone)))
    return merge(p for p in periods if p[0] < end and start < p[1])


def merge(periods):
    """Sorted pairs with overlapping and touching ones joined."""
    merged = []
    for begin, finish in sorted(periods):
        if merged and begin <= merged[-1][1]:
            if finish > merged[-1][1]:
                merged[-1] = (merged[-1][0], finish)
        else:
            merged.append((begin, finish))
    return merged
