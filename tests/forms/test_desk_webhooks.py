"""CRM webhooks: a real HTTP receiver checks the signature; a failed delivery is retried."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from booking_helpers import NOW
from bs4 import BeautifulSoup
from desk_helpers import add_booking, add_deliveries, staff_client
from forms_helpers import pending_mail
from sqlalchemy import func, select, text
from webhook_receiver import SECRET, Receiver

from forms_service.booking.reserve import cancel, move, reserve
from forms_service.db import db
from forms_service.desk.models import WebhookDelivery
from forms_service.desk.webhooks import lead_payload, sign
from forms_service.models import Consent, Lead, OutboxMessage


@pytest.fixture
def receiver(app):
    with Receiver([500]) as crm:
        app.config.update(WEBHOOK_URLS=[crm.url], WEBHOOK_SECRET=SECRET)
        yield crm


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign("k", "1700000000", b"{}") == "sha256=" + expected


def test_new_lead_is_posted_signed_and_retried_after_a_failure(app, signup, receiver):
    assert signup.json(name="Åsa Öberg", email="asa@example.com",
                       page_url="http://localhost/iso-27001-informationssakerhet/?utm_source=li"
                       ).status_code == 200
    assert pending_mail(app) == (1, 1)  # the e-book mail went; the CRM answered 500
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "webhook")).one()
        assert (message.status, message.attempts, message.last_error) == ("pending", 1,
                                                                          "RuntimeError: HTTP 500")
    assert pending_mail(app) == (1, 0)  # the retry
    first, second = receiver.requests
    for request in (first, second):
        assert request["verified"] and request["fresh"]
        assert request["headers"]["X-Normkraft-Event"] == "lead.created"
        assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert second["body"] == first["body"]
    data = second["body"]["data"]
    assert second["body"]["event"] == "lead.created"
    assert (data["email"], data["name"], data["standard"], data["utm_source"]) == (
        "asa@example.com", "Åsa Öberg", "iso27001", "li")
    with app.app_context():
        message = db.session.get(OutboxMessage, message.id)
        assert (message.status, message.attempts) == ("sent", 2)
        assert db.session.get(WebhookDelivery, message.id).response_status == 200
    assert pending_mail(app) == (0, 0)


def test_signup_delivery_describes_the_stored_lead(app, signup, receiver):
    # The signup inserts with Core; its body must be what the ORM row gives (bookings' path).
    signup.json(email="same@example.com", referrer="https://example.org/",
                page_url="http://localhost/iso-9001-kvalitet/?utm_campaign=v&utm_term=t")
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        message = db.session.get(OutboxMessage, delivery.outbox_id)
        assert json.loads(delivery.body) == {"event": "lead.created", "data": lead_payload(lead)}
        assert (message.kind, message.lead_id, message.language) == ("webhook", lead.id, "sv")


def test_a_signup_whose_delivery_cannot_be_queued_stores_nothing(app, signup, receiver):
    # The deliveries are written in the signup's transaction, after the lead, consent and mail.
    with app.app_context():
        db.session.execute(text("DROP TABLE webhook_deliveries"))
        db.session.commit()
    assert signup.json(email="lost@example.com").status_code == 503
    with app.app_context():
        for model in (Lead, Consent, OutboxMessage):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_a_known_address_signing_up_again_is_not_a_new_lead(app, signup, receiver):
    signup.json(email="again@example.com")
    app.config["DUPLICATE_WINDOW_SECONDS"] = 0
    signup.json(email="again@example.com")
    with app.app_context():
        assert len(db.session.scalars(select(WebhookDelivery)).all()) == 1


def test_new_booking_is_posted(app, receiver):
    receiver.statuses = []
    add_booking(app, announce=True, email="bo@example.com", company="Berg & Söner AB",
                topics="iso9001")
    assert pending_mail(app) == (2, 0)  # the webhook and sales' notification
    (request,) = receiver.requests
    assert request["verified"]
    assert request["body"]["event"] == "booking.created"
    assert request["body"]["data"]["company"] == "Berg & Söner AB"
    assert request["body"]["data"]["topics"] == ["iso9001"]


def test_every_url_gets_its_own_delivery(app, receiver):
    with Receiver([]) as other:
        app.config["WEBHOOK_URLS"] = [receiver.url, other.url]
        add_booking(app, announce=True)
        assert pending_mail(app) == (2, 1)  # sales' notification went too
        assert pending_mail(app) == (1, 0)
        assert len(other.requests) == 1 and len(receiver.requests) == 2


def test_desk_shows_every_delivery_and_its_outcome(app, signup, receiver):
    desk = staff_client(app)
    signup.json(email="shown@example.com")
    pending_mail(app)
    page = desk.get("/admin/deliveries?lang=en").get_data(as_text=True)
    assert "lead.created" in page and receiver.url in page
    assert "pending" in page and "RuntimeError: HTTP 500" in page and ">500<" in page
    pending_mail(app)
    page = desk.get("/admin/deliveries").get_data(as_text=True)
    assert "sent" in page and ">200<" in page


def delivery_addresses(html):
    soup = BeautifulSoup(html, "lxml")
    return [row.select("td")[2].get_text() for row in soup.select(".desk-table tbody tr")
            if len(row.select("td")) > 1]


def pager_links(html):
    return [a.get_text() for a in BeautifulSoup(html, "lxml").select(".desk-pager a")]


def test_deliveries_page_through_and_filter_by_outcome(app):
    size = app.config["DESK_PAGE_SIZE"]
    statuses = ["failed" if number % 10 == 0 else "sent" for number in range(size + 10)]
    add_deliveries(app, statuses)
    every = [f"http://crm.example/hook/{number}" for number in reversed(range(size + 10))]
    failed = [url for url in every if statuses[int(url.rpartition("/")[2])] == "failed"]
    desk = staff_client(app)

    first = desk.get("/admin/deliveries?lang=en").get_data(as_text=True)
    assert delivery_addresses(first) == every[:size]
    assert pager_links(first) == ["Next"]
    second = desk.get("/admin/deliveries?page=2").get_data(as_text=True)
    assert delivery_addresses(second) == every[size:]
    assert pager_links(second) == ["Previous"]

    only_failed = desk.get("/admin/deliveries?outcome=failed").get_data(as_text=True)
    assert delivery_addresses(only_failed) == failed
    assert pager_links(only_failed) == []
    assert '<option value="failed" selected>failed</option>' in only_failed
    delivered = desk.get("/admin/deliveries?outcome=sent").get_data(as_text=True)
    assert len(delivery_addresses(delivered)) == size
    assert not set(delivery_addresses(delivered)) & set(failed)
    later = BeautifulSoup(delivered, "lxml").select_one(".desk-pager a")["href"]
    rest = delivery_addresses(desk.get(later).get_data(as_text=True))  # the filter is kept
    assert len(rest) == len(statuses) - len(failed) - size
    assert not set(rest) & set(failed)
    unknown = desk.get("/admin/deliveries?outcome=bogus&page=0").get_data(as_text=True)
    assert delivery_addresses(unknown) == every[:size]


def test_without_a_secret_nothing_is_sent_unsigned(app, signup, receiver):
    app.config["WEBHOOK_SECRET"] = None
    signup.json()
    assert pending_mail(app) == (1, 1)
    assert receiver.requests == []
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "webhook")).one()
        assert message.last_error == "RuntimeError: FORMS_WEBHOOK_SECRET is not set"


def test_no_urls_no_deliveries(app, signup):
    signup.json()
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.kind)).all() == ["ebook"]


def test_a_moved_and_a_cancelled_booking_are_posted_as_the_same_booking(bapp):
    details = {"name": "Bo Berg", "email": "bo@example.com", "company": "Berg AB",
               "phone": "", "topics": "iso9001", "message": "", "language": "sv",
               "time_zone": "Europe/Stockholm", "consent_text": "Ja",
               "page_url": "http://localhost/"}
    first_start = NOW + timedelta(days=10, hours=-4)  # Monday 30 March, 10:00 in Stockholm
    with Receiver([]) as crm:
        bapp.config.update(WEBHOOK_URLS=[crm.url], WEBHOOK_SECRET=SECRET)
        availability = bapp.extensions["booking_availability"]
        with bapp.test_request_context():
            booking = reserve(availability, first_start, details, NOW)
            move(availability, booking, first_start + timedelta(hours=1), NOW)
            assert cancel(booking, by="staff")
        for _ in range(10):  # until nothing is due
            if pending_mail(bapp) == (0, 0):
                break
        events = [request["body"] for request in crm.requests]
    assert all(request["verified"] for request in crm.requests)
    assert [event["event"] for event in events] == [
        "booking.created", "booking.moved", "booking.cancelled"]
    created, moved, cancelled = (event["data"] for event in events)
    assert created["id"] == moved["id"] == cancelled["id"]
    assert created["uid"] == moved["uid"] == cancelled["uid"]
    assert moved["starts_at"] != created["starts_at"]
    assert moved["starts_at"] == cancelled["starts_at"]
