"""Helpers for the sales desk tests: staff users, logging in, rows written directly."""

import re
import uuid
from datetime import timedelta

from bs4 import BeautifulSoup

from forms_service import events
from forms_service.booking.models import Booking
from forms_service.db import db
from forms_service.desk.models import WebhookDelivery
from forms_service.desk.passwords import create_user
from forms_service.models import Lead, OutboxMessage, utcnow

STAFF = "staff@normkraft.se"
PASSWORD = "correct horse battery staple"


def add_staff(app, email=STAFF, password=PASSWORD):
    with app.app_context():
        return create_user(email, password).id


def csrf_token(client, path="/admin/login"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def log_in(client, email=STAFF, password=PASSWORD, **extra):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    data.update(extra)
    return client.post("/admin/login", data=data)


def staff_client(app):
    """A test client logged in as a new staff user."""
    add_staff(app)
    client = app.test_client()
    assert log_in(client).status_code == 303
    return client


def post(client, path, data, page=None):
    """POST a desk form with the CSRF token of the page it sits on."""
    token = csrf_token(client, page or path)
    return client.post(path, data={**data, "csrf_token": token})


def add_lead(app, **fields):
    now = utcnow()
    values = {"email": "lena@example.com", "name": "Lena Lind", "language": "sv",
              "page_url": "http://localhost/iso-27001-informationssakerhet/",
              "created_at": now, "last_requested_at": now}
    values.update(fields)
    with app.app_context():
        lead = Lead(**values)
        db.session.add(lead)
        db.session.commit()
        return lead.id


def add_booking(app, announce=False, **fields):
    """A booking row; announce: also tell booking_made's receivers, as the booking path does."""
    start = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    values = {"uid": uuid.uuid4().hex,
              "consultant": "anna", "starts_at": start, "ends_at": start + timedelta(hours=1),
              "blocked_until": start + timedelta(hours=1, minutes=15), "status": "confirmed",
              "name": "Bo Berg", "email": "bo@example.com", "company": "Berg AB",
              "topics": "iso9001", "message": "Hej", "language": "sv",
              "consent_text": "Jag godkänner", "consent_version": "2026-11-01",
              "page_url": "http://localhost/iso-9001/"}
    values.update(fields)
    with app.app_context():
        booking = Booking(**values)
        db.session.add(booking)
        db.session.flush()
        if announce:
            events.announce(events.booking_made, db.session.connection(), booking=booking)
        db.session.commit()
        return booking.id


def add_deliveries(app, statuses, url="http://crm.example/hook/{number}"):
    """One webhook delivery per outbox status, in order; url.format(number=) is its address."""
    with app.app_context():
        for number, status in enumerate(statuses):
            message = OutboxMessage(kind="webhook", language="sv", status=status)
            db.session.add(message)
            db.session.flush()
            db.session.add(WebhookDelivery(outbox_id=message.id, event="lead.created",
                                           url=url.format(number=number), body="{}"))
        db.session.commit()


def browser_log_in(page, origin):
    """Log a Playwright page in to the desk at origin as STAFF; it lands on the overview."""
    page.goto(origin + "/admin/login")
    page.fill("#email", STAFF)
    page.fill("#password", PASSWORD)
    page.click("form.desk-login button[type=submit]")
    page.wait_for_url("**/admin/overview")


def history(desk, booking_id, lang):
    """The steps of a booking's history on its desk page, without their times."""
    soup = BeautifulSoup(desk.get(f"/admin/bookings/{booking_id}?lang={lang}")
                         .get_data(as_text=True), "lxml")
    items = soup.select(".desk-history li")
    assert all(li.time["datetime"].endswith("Z") for li in items)  # when, with each step
    for li in items:
        li.time.decompose()
    return [" ".join(li.get_text(" ", strip=True).lstrip(": ").split()) for li in items]
