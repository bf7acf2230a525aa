"""A consultant's calendar as the availability file names it: a CalDAV calendar or a feed.

    [consultants.calendar]
    caldav_url = "https://cal.example.com/dav/anna/work/"
    user = "anna"
    password_env = "FORMS_CALENDAR_ANNA_PASSWORD"   # or password_file = "/etc/…/anna"
    query = "events"   # or "freebusy" (see below)

    [consultants.calendar]
    ics_url = "https://calendar.google.com/calendar/ical/…/basic.ics"

The password is never in the TOML: only the name of the variable or file holding it.

query = "events" (the default) asks for the events in the window (a calendar-query with
a time range) and expands them here with recurring-ical-events. query = "freebusy" asks
the server for a VFREEBUSY answer (free-busy-query), falling back to a calendar-query
where the server does not support it. The server then does the expanding and the time
zones, and Radicale 3.9 gets them wrong: events after a clock change come out with the
offset from before it, an hour off (tests/forms/test_booking_calendars.py shows it).
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

QUERIES = ("events", "freebusy")


class CalendarUnreadable(Exception):
    """The calendar could not be read: refused, unreachable, too slow or not iCalendar."""


@dataclass(frozen=True)
class CalendarSource:
    kind: str  # "caldav" or "ics"
    url: str
    user: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    query: str = "events"

    @property
    def fingerprint(self):
        """Changes when the calendar the file points to changes (the cache is per source)."""
        return hashlib.sha256(f"{self.kind}\n{self.url}\n{self.user}".encode()).hexdigest()[:32]

    @property
    def label(self):
        """The address without its path: safe to show, as feed paths hold a secret."""
        parts = urlsplit(self.url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname or ''}{port}"

    def password(self):
        """The CalDAV password from its variable or file; CalendarUnreadable when it is missing."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise CalendarUnreadable(f"the variable {self.password_env} is not set")
            return value
        if self.password_file:
            try:
                return Path(self.password_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CalendarUnreadable(
                    f"password_file {self.password_file}: {exc.strerror}") from None
        return None


def parse_source(entry, fail):
    """The CalendarSource of a consultant's [calendar] table, or None without one."""
    if entry is None:
        return None
    if not isinstance(entry, dict):
        fail("calendar must be a table with caldav_url or ics_url")
    if "password" in entry:
        fail("calendar: put the password in the environment (password_env) or a file "
             "(password_file), never in this file")
    unknown = set(entry) - {"caldav_url", "ics_url", "user", "password_env", "password_file",
                            "query"}
    if unknown:
        fail(f"calendar: unknown setting {', '.join(sorted(unknown))}")
    if ("caldav_url" in entry) == ("ics_url" in entry):
        fail("calendar needs exactly one of caldav_url and ics_url")
    kind = "caldav" if "caldav_url" in entry else "ics"
    url = entry[f"{kind}_url"]
    if isinstance(url, str) and url.startswith("webcal://"):
        # The scheme calendar apps use for subscriptions; the feed itself is HTTPS.
        url = "https://" + url[len("webcal://"):]
    if not isinstance(url, str) or urlsplit(url).scheme not in {"http", "https"}:
        fail(f"calendar: {kind}_url must be an http(s) address, not {url!r}")
    for name in ("user", "password_env", "password_file"):
        if name in entry and (kind == "ics" or not isinstance(entry[name], str)):
            fail(f"calendar: {name} is for a CalDAV calendar and must be text")
    if "password_env" in entry and "password_file" in entry:
        fail("calendar: give password_env or password_file, not both")
    query = entry.get("query", "events")
    if query not in QUERIES or (kind == "ics" and "query" in entry):
        fail(f"calendar: query must be one of {', '.join(QUERIES)} (CalDAV only)")
    return CalendarSource(kind=kind, url=url, user=entry.get("user"),
                          password_env=entry.get("password_env"),
                          password_file=entry.get("password_file"), query=query)
