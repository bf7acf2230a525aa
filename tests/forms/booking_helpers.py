"""Helpers for the booking tests: a fixed clock, small availability files, posting a booking."""

import re
from datetime import UTC, datetime

from forms_helpers import SITE, make_app
from icalendar import Calendar

from forms_service.db import db

# Friday 20 March 2026, 13:00 in Stockholm: the spring DST change (29 March) and
# Easter (Good Friday 3 April) are inside the six-week horizon.
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
# The CSRF token of a server-rendered form.
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Where the tests move a booking on 30 March: the next morning.
MOVED_TO = "2026-03-31T09:00:00+02:00"

# An availability file's settings: six weeks of 45-minute meetings, a day's notice.
SETTINGS = """
meeting_minutes = 45
buffer_minutes = 15
min_notice_hours = 24
horizon_days = 42
"""
# A consultant's week: Monday to Friday, 09-12 and 13-16.
OFFICE_HOURS = """[consultants.hours]
mon = ["09:00-12:00", "13:00-16:00"]
tue = ["09:00-12:00", "13:00-16:00"]
wed = ["09:00-12:00", "13:00-16:00"]
thu = ["09:00-12:00", "13:00-16:00"]
fri = ["09:00-12:00", "13:00-16:00"]
"""
ONE_CONSULTANT = SETTINGS + """[[consultants]]
key = "alva"
name = "Alva Ek"
email = "alva@normkraft.se"
""" + OFFICE_HOURS

# A second consultant, Bo, who works Monday and Tuesday mornings.
BO = """
[[consultants]]
key = "bo"
name = "Bo Ek"
email = "bo@normkraft.se"
[consultants.hours]
mon = ["09:00-12:00"]
tue = ["09:00-12:00"]
"""
TWO_CONSULTANTS = ONE_CONSULTANT + BO


def booking_app(tmp_path, ebook_source, availability=ONE_CONSULTANT, **overrides):
    """An app with a fixed clock and the given availability file."""
    path = tmp_path / "availability.toml"
    path.write_text(availability, encoding="utf-8")
    config = {"BOOKING_AVAILABILITY_FILE": str(path), "BOOKING_CLOCK": lambda: NOW,
              "MIN_FILL_SECONDS": 0.0}
    config.update(overrides)
    return make_app(tmp_path, ebook_source, **config)


class Visitor:
    """Books like booking.js does: token from /csrf, Accept JSON, same-site Origin."""

    def __init__(self, client):
        self.client = client

    def token(self):
        return self.client.get("/csrf").get_json()["csrf_token"]

    def fields(self, **fields):
        data = {"name": "Anna Andersson", "email": "anna@example.com", "company": "Ek AB",
                "phone": "", "topic": ["iso9001", "iso27001"], "message": "Vi vill certifiera oss.",
                "start": "2026-03-30T09:00:00+02:00", "consent": "y", "lang": "sv",
                "elapsed": "5000", "tz": "Europe/Stockholm"}
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    def book(self, with_token=True, headers=None, token=None, **fields):
        sent = {"Accept": "application/json", "Origin": SITE}
        if with_token:
            sent["X-CSRFToken"] = token or self.token()
        sent.update(headers or {})
        return self.client.post("/booking", data=self.fields(**fields), headers=sent)


def bookings(app):
    from sqlalchemy import select

    from forms_service.booking.models import Booking

    with app.app_context():
        return db.session.scalars(select(Booking).order_by(Booking.id)).all()


def manage_url(app, booking_id):
    """The path of a booking's signed cancel/move link, as its confirmation mail has it."""
    from forms_service.booking.models import Booking
    from forms_service.booking.tokens import manage_token

    with app.test_request_context("/"):
        return "/booking/manage/" + manage_token(db.session.get(Booking, booking_id))


def invite_of(msg):
    """(METHOD, parsed calendar) of a mail's invite.ics part."""
    (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def move(client, link, start=MOVED_TO):
    """The visitor moves their booking from its manage link, as the page's form posts."""
    token = CSRF.findall(client.get(link).get_data(as_text=True))[-1]
    return client.post(link + "/move", data={"csrf_token": token, "start": start},
                       headers={"Origin": SITE})


def cancel(client, link):
    """The visitor cancels their booking from its manage link, as the page's form posts."""
    token = CSRF.findall(client.get(link).get_data(as_text=True))[-1]
    return client.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"},
                       headers={"Origin": SITE})
