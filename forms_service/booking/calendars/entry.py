"""A booked meeting as an event in the consultant's own calendar (CalDAV copy and feed).

It carries the UID of the visitor's invite (booking/ics.py), so the consultant's calendar,
the visitor's and the mails all speak of one meeting. It has no ORGANIZER or ATTENDEE:
a CalDAV server that schedules (iCloud, Nextcloud, Google) would otherwise send the
visitor an invitation of its own. It holds what the consultant needs and no more: who
and which company, the standards asked about, and the desk page with the rest (behind
the desk's login). The e-mail address, phone number and message stay on the desk.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from flask_babel import gettext
from icalendar import Calendar, Event

from ...i18n import language_of
from ..display import as_utc

PRODID = "-//Normkraft//Booking//EN"
# Marks our own events: a calendar's busy times skip them (the bookings table already
# blocks those slots, and a cancelled booking must free its slot before the copy is gone).
MARK = "X-NORMKRAFT-BOOKING"
REFRESH = timedelta(minutes=15)


def language():
    """The consultants' language: the service's default."""
    return current_app.config["DEFAULT_LANGUAGE"]


def booking_event(booking, lang):
    """The VEVENT of booking for its consultant, in lang."""
    from ..forms import topic_labels

    event = Event()
    event.add("uid", booking.uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", as_utc(booking.starts_at))
    event.add("dtend", as_utc(booking.ends_at))
    event.add("sequence", booking.sequence)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    company = " ".join(booking.company.split())
    name = " ".join(booking.name.split())
    desk = url_for("desk.bookings.booking", booking_id=booking.id, _external=True)
    lines = []
    topics = topic_labels(booking.topic_list, lang)
    with language_of(lang):
        event.add("summary", gettext("Meeting with %(name)s, %(company)s", name=name,
                                     company=company))
        if topics:
            lines.append(gettext("Standards: %(topics)s", topics=", ".join(topics)))
        lines.append(gettext("Details on the sales desk: %(url)s", url=desk))
    event.add("description", "\n".join(lines))
    event.add("url", desk)
    event.add(MARK, str(booking.id))
    return event


def calendar_of(events, name=None):
    """A VCALENDAR (no METHOD: a stored object, RFC 4791 4.1) holding events, as bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if name is not None:
        calendar.add("x-wr-calname", name)
        # How often subscribers should fetch the feed again (RFC 7986, and Outlook's name).
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT15M")
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
