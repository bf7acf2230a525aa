"""Read a calendar over HTTP: an iCalendar feed, or a CalDAV calendar with the caldav client.

Every failure (a refused password, a wrong address, a timeout, a body that is not
iCalendar) comes out as CalendarUnreadable with a short reason, never as another error.
"""

import urllib.error
import urllib.request

import caldav
import lxml.etree
import niquests
from caldav.lib import error as caldav_error

from .expand import event_busy, freebusy_busy, parse
from .source import CalendarUnreadable

MAX_FEED_BYTES = 20 * 1024 * 1024
USER_AGENT = "Normkraft-forms/1 (+https://normkraft.se)"
# The requests a read made since the process started, by kind (the benchmark reads it).
REQUESTS = {"ics": 0, "freebusy": 0, "events": 0}


def read_busy(source, zone, start, end, timeout):
    """Merged busy (start, end) UTC pairs of source in [start, end)."""
    if source.kind == "ics":
        return event_busy([parse(_feed(source.url, timeout))], zone, start, end)
    return _caldav_busy(source, zone, start, end, timeout)


def _feed(url, timeout):
    REQUESTS["ics"] += 1
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "text/calendar"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise CalendarUnreadable(f"HTTP {exc.code} from the feed") from None
    except (urllib.error.URLError, OSError) as exc:
        # URLError wraps refused connections; a read that takes too long is a TimeoutError.
        raise CalendarUnreadable(f"feed unreachable: {getattr(exc, 'reason', exc)}") from None
    if len(body) > MAX_FEED_BYTES:
        raise CalendarUnreadable(f"the feed is larger than {MAX_FEED_BYTES} bytes")
    return body


def _caldav_busy(source, zone, start, end, timeout):
    client = caldav.DAVClient(url=source.url, username=source.user,
                              password=source.password(), timeout=timeout,
                              enable_rfc6764=False, require_tls=False)
    try:
        with client:
            calendar = client.calendar(url=source.url)
            if source.query == "freebusy":
                try:
                    REQUESTS["freebusy"] += 1
                    answer = calendar.freebusy_request(start, end)
                    return freebusy_busy(parse(answer.data), zone, start, end)
                except (caldav_error.ReportError, caldav_error.ResponseError,
                        CalendarUnreadable):
                    pass  # No free-busy-query on this server: a calendar-query instead.
            REQUESTS["events"] += 1
            found = calendar.search(start=start, end=end, event=True, expand=False)
            return event_busy([parse(item.data) for item in found], zone, start, end)
    except caldav_error.AuthorizationError:
        raise CalendarUnreadable("the CalDAV server refused the user or password") from None
    except caldav_error.DAVError as exc:
        raise CalendarUnreadable(f"CalDAV error: {_short(exc)}") from None
    except niquests.exceptions.RequestException as exc:
        raise CalendarUnreadable(f"CalDAV server unreachable: {_short(exc)}") from None
    except (lxml.etree.LxmlError, OSError) as exc:
        raise CalendarUnreadable(f"CalDAV answer unusable: {_short(exc)}") from None


def _short(exc):
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]
