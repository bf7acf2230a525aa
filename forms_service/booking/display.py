"""Dates and times for people: localized, in a named time zone."""

from datetime import UTC
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global
from babel.dates import format_date, format_time, get_timezone_name
from flask_babel import gettext

from ..i18n import language_of

HOME_ZONE = "Europe/Stockholm"
# What people call the home zone; CLDR only knows "Central European Time" for it.
HOME_ZONE_NAME = "Swedish time"


def zone_or_home(name):
    """Return ZoneInfo(name) when it is a known zone, else the home zone."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(HOME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(HOME_ZONE)


def as_utc(naive):
    """Attach UTC to a stored (naive UTC) timestamp."""
    return naive.replace(tzinfo=UTC)


def when(start, end, language, zone):
    """'Monday 30 March 2026, 09:00–09:45 (Europe/Stockholm)' in language."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return "{}, {}–{} ({})".format(
        format_date(local_start.date(), "full", locale=language),
        format_time(local_start.time(), "HH:mm", locale=language),
        format_time(local_end.time(), "HH:mm", locale=language),
        zone.key)


def day_label(day, language):
    """'måndag 30 mars 2026' for a date."""
    return format_date(day, "full", locale=language)


def clock(moment, zone, language):
    """'09:00' for moment in zone."""
    return format_time(moment.astimezone(zone).time(), "HH:mm", locale=language)


def zone_name(zone, language):
    """A readable zone name: 'svensk tid', 'östnordamerikansk tid'; else the key itself."""
    if zone.key == HOME_ZONE:
        with language_of(language):
            return gettext(HOME_ZONE_NAME)
    if zone.key not in get_global("zone_territories"):
        return zone.key  # UTC and Etc/*: CLDR would say "Unknown Region (UTC) Time"
    try:
        return get_timezone_name(zone.key, locale=language)
    except LookupError:
        return zone.key
