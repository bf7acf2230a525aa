"""Calendar invites (iCalendar, RFC 5545/5546): REQUEST for a booking and for each move (same
UID, higher SEQUENCE), CANCEL when it is withdrawn."""

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from .display import as_utc


def invite(booking, *, method, sequence, organizer, summary, description):
    """Return the .ics bytes for booking; organizer is (name, e-mail).

    Times are written in UTC, so every calendar shows them in its own zone.
    A move or a CANCEL keeps the UID and carries a higher SEQUENCE than the REQUEST before.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Normkraft//Booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", booking.uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", as_utc(booking.starts_at))
    event.add("dtend", as_utc(booking.ends_at))
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    name, address = organizer
    boss = vCalAddress(f"mailto:{address}")
    boss.params["cn"] = vText(name)
    event.add("organizer", boss)
    guest = vCalAddress(f"mailto:{booking.email}")
    guest.params["cn"] = vText(booking.name)
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["partstat"] = vText("NEEDS-ACTION" if method == "REQUEST" else "DECLINED")
    guest.params["rsvp"] = vText("TRUE" if method == "REQUEST" else "FALSE")
    event.add("attendee", guest)
    calendar.add_component(event)
    return calendar.to_ical()
