"""After booking: invites and notifications through the outbox; cancel and move by signed link."""

import re
from datetime import UTC, datetime

import pytest
from booking_helpers import CSRF, Visitor, booking_app, bookings, invite_of, manage_url
from forms_helpers import SITE, mails, pending_mail, wait_for
from sqlalchemy import select

from forms_service.booking.models import Booking
from forms_service.db import db
from forms_service.models import OutboxMessage


def manage_link(msg):
    text = msg.get_body(("plain",)).get_content()
    return re.search(r"http://localhost/forms(/booking/manage/\S+)", text).group(1)


@pytest.fixture
def booked(bapp):
    """One booking in English from New York, its mails sent; returns (client, visitor mail)."""
    client = bapp.test_client()
    answer = Visitor(client).book(
        lang="en", tz="America/New_York", phone="070-123 45 67", message="We make boats.",
        page_url=SITE + "/en/book-a-meeting/?source=/en/articles/iso-9001/&utm_source=li",
        referrer="https://www.linkedin.com/")
    assert answer.status_code == 200
    assert pending_mail(bapp) == (2, 0)
    visitor, sales = mails(bapp)
    return client, visitor, sales


def test_the_visitor_gets_a_request_invite_in_their_language(bapp, booked):
    _, msg, _ = booked
    assert msg["To"] == "anna@example.com"
    assert msg["Subject"] == "Your meeting with Normkraft is booked"
    body = msg.get_body(("plain",)).get_content()
    assert "Monday, March 30, 2026, 03:00–03:45 (America/New_York)" in body
    assert "Monday, March 30, 2026, 09:00–09:45 (Europe/Stockholm)" in body
    assert "Consultant: Alva Ek" in body
    method, calendar = invite_of(msg)
    assert method == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    (booking,) = bookings(bapp)
    assert str(event["UID"]) == booking.uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 30, 7, 45, tzinfo=UTC)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["ORGANIZER"]) == "mailto:alva@normkraft.se"
    assert event["ORGANIZER"].params["CN"] == "Alva Ek"
    assert str(event["ATTENDEE"]) == "mailto:anna@example.com"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_swedish_visitors_get_swedish_mail(bapp):
    client = bapp.test_client()
    assert Visitor(client).book(lang="sv").status_code == 200
    pending_mail(bapp)
    visitor = mails(bapp)[0]
    assert visitor["Subject"] == "Ditt möte med Normkraft är bokat"
    body = visitor.get_body(("plain",)).get_content()
    assert "Hej Anna Andersson!" in body
    assert "måndag 30 mars 2026, 09:00–09:45 (Europe/Stockholm)" in body
    assert "Konsult: Alva Ek" in body


def test_sales_gets_every_detail(booked):
    _, _, msg = booked
    assert msg["To"] == "sales@normkraft.se"
    assert msg["Reply-To"] == "anna@example.com"
    assert msg["Subject"] == "Nytt möte bokat: Ek AB"
    body = msg.get_body(("plain",)).get_content()
    for detail in ("Anna Andersson", "anna@example.com", "Ek AB", "+46701234567",
                   "ISO 9001, ISO/IEC 27001", "We make boats.", "America/New_York",
                   "måndag 30 mars 2026, 09:00–09:45 (Europe/Stockholm)", "Konsult: Alva Ek",
                   "I agree that Normkraft stores the details"):
        assert detail in body, detail


def test_the_signed_link_cancels_frees_the_slot_and_sends_cancel(bapp, booked):
    client, visitor, _ = booked
    link = manage_link(visitor)
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html and "Cancel the meeting" in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    # The first POST only asks (the page without JavaScript); confirm=yes cancels.
    asked = client.post(link + "/cancel", data={"csrf_token": token}, headers={"Origin": SITE})
    assert asked.status_code == 200 and "Cancel the meeting?" in asked.get_data(as_text=True)
    assert bookings(bapp)[0].status == "confirmed"
    answer = client.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"},
                         headers={"Origin": SITE})
    assert answer.status_code == 303
    after = client.get(link).get_data(as_text=True)
    assert "This meeting is cancelled. The time is free for others again." in after
    (booking,) = bookings(bapp)
    assert (booking.status, booking.sequence) == ("cancelled", 1)
    slots = client.get("/booking/slots?from=2026-03-30&to=2026-03-30").get_json()["slots"]
    assert slots[0]["start"] == "2026-03-30T09:00:00+02:00"
    assert pending_mail(bapp) == (2, 0)
    cancel, sales_cancel = mails(bapp)[2:]
    assert cancel["Subject"] == "Your meeting with Normkraft is cancelled"
    method, calendar = invite_of(cancel)
    (event,) = calendar.walk("VEVENT")
    assert (method, calendar["METHOD"], str(event["UID"]), event["SEQUENCE"]) == (
        "CANCEL", "CANCEL", booking.uid, 1)
    assert str(event["STATUS"]) == "CANCELLED"
    assert sales_cancel["Subject"] == "Möte avbokat: Ek AB"
    # A second cancel changes nothing and sends nothing.
    client.post(link + "/cancel", data={"csrf_token": token, "confirm": "yes"},
                headers={"Origin": SITE})
    assert pending_mail(bapp) == (0, 0)


def test_the_signed_link_moves_the_meeting_in_place(bapp, booked):
    client, visitor, _ = booked
    link = manage_link(visitor)
    html = client.get(link).get_data(as_text=True)
    tokens = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    # The times are shown in the visitor's zone, the value keeps the Stockholm offset.
    assert 'value="2026-03-31T09:00:00+02:00"' in html and "03:00–03:45" in html
    answer = client.post(link + "/move", data={"csrf_token": tokens[-1],
                                               "start": "2026-03-31T09:00:00+02:00"},
                         headers={"Origin": SITE})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/booking/moved?lang=en"
    # One booking, rescheduled: the same row and UID, the next SEQUENCE, its source kept.
    (booking,) = bookings(bapp)
    assert (booking.status, booking.sequence, booking.starts_at, booking.replaced_by) == (
        "confirmed", 1, datetime(2026, 3, 31, 7, 0), None)
    assert (booking.page_url, booking.utm_source, booking.referrer) == (
        SITE + "/en/articles/iso-9001/?utm_source=li", "li", "https://www.linkedin.com/")
    assert pending_mail(bapp) == (2, 0)
    assert sorted(m["Subject"] for m in mails(bapp)[2:]) == [
        "Möte flyttat: Ek AB", "Your meeting with Normkraft has been moved"]
    # The same link now shows the new time, and can move it again.
    page = client.get(link).get_data(as_text=True)
    assert "Tuesday, March 31, 2026, 03:00–03:45" in page and 'name="start"' in page


MOVED = {"sv": "Mötet har flyttats. Den nya tiden står i inbjudan vi skickade till dig.",
         "en": "This meeting has been moved. The new time is in the invitation we sent you."}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_link_to_a_row_replaced_by_an_old_move_says_the_meeting_was_moved(bapp, lang):
    """Before migration 0012 a move cancelled the row and booked a new one (replaced_by)."""
    client = bapp.test_client()
    assert Visitor(client).book(lang=lang).status_code == 200
    assert Visitor(client).book(lang=lang, start="2026-03-31T09:00:00+02:00").status_code == 200
    with bapp.app_context():
        old = db.session.get(Booking, 1)
        old.status, old.replaced_by = "cancelled", 2
        db.session.commit()
    page = client.get(manage_url(bapp, 1)).get_data(as_text=True)
    assert MOVED[lang] in page
    assert "/booking?lang=" not in page  # no "Book a new meeting"
    assert 'name="start"' not in page


def test_the_signed_link_pages_through_the_whole_horizon(bapp, booked):
    client, visitor, _ = booked
    link = manage_link(visitor)
    first = client.get(link).get_data(as_text=True)
    assert 'value="2026-04-20T09:00:00+02:00"' not in first
    assert f'<a href="{link}?from=2026-04-03">Later times</a>' in first
    page = client.get(link + "?from=2026-04-17").get_data(as_text=True)
    assert 'value="2026-04-20T09:00:00+02:00"' in page
    assert f'<a href="{link}?from=2026-04-03">Earlier times</a>' in page
    answer = client.post(link + "/move", data={"csrf_token": CSRF.findall(page)[-1],
                                               "start": "2026-04-20T09:00:00+02:00"},
                         headers={"Origin": SITE})
    assert answer.status_code == 303
    (booking,) = bookings(bapp)
    assert (booking.status, booking.starts_at) == ("confirmed", datetime(2026, 4, 20, 7, 0))


def test_moving_to_a_taken_time_keeps_the_meeting(bapp, booked):
    client, visitor, _ = booked
    assert Visitor(bapp.test_client()).book(
        start="2026-03-31T09:00:00+02:00", email="bo@example.com").status_code == 200
    link = manage_link(visitor)
    token = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"',
                       client.get(link).get_data(as_text=True))[-1]
    answer = client.post(link + "/move", data={"csrf_token": token,
                                               "start": "2026-03-31T09:00:00+02:00"},
                         headers={"Origin": SITE})
    assert answer.status_code == 409
    assert "That time was just taken. Please pick another." in answer.get_data(as_text=True)
    assert [b.status for b in bookings(bapp)] == ["confirmed", "confirmed"]


@pytest.mark.parametrize("mangle, status, text", [
    (lambda t: t[:-3] + "abc", 400, "The link to your meeting is not valid."),
    (lambda t: "nonsense", 400, "The link to your meeting is not valid."),
])
def test_forged_links_get_a_friendly_page(bapp, booked, mangle, status, text):
    client, visitor, _ = booked
    link = manage_link(visitor)
    prefix, token = link.rsplit("/", 1)
    answer = client.get(f"{prefix}/{mangle(token)}?lang=en")
    assert answer.status_code == status
    assert text in answer.get_data(as_text=True)
    assert bookings(bapp)[0].status == "confirmed"


def test_expired_links_get_a_friendly_localized_page(bapp, booked):
    client, visitor, _ = booked
    link = manage_link(visitor)
    bapp.config["BOOKING_LINK_MAX_AGE"] = -1
    answer = client.get(link)
    assert answer.status_code == 410
    html = answer.get_data(as_text=True)
    assert '<html lang="en">' in html and "The link to your meeting has expired." in html
    assert client.post(link + "/cancel", data={"csrf_token": "x"},
                       headers={"Origin": SITE}).status_code == 410
    assert bookings(bapp)[0].status == "confirmed"


def test_smtp_down_the_booking_stands_and_the_mail_follows(tmp_path, ebook_source, smtp_server,
                                                           closing):
    handler, port, start, stop = smtp_server
    app = closing(booking_app(tmp_path, ebook_source, SMTP_URL=f"smtp://127.0.0.1:{port}?tls=none"))
    stop()
    answer = Visitor(app.test_client()).book(lang="en")
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    assert pending_mail(app) == (0, 2)
    with app.app_context():
        waiting = db.session.scalars(select(OutboxMessage)).all()
        assert {m.status for m in waiting} == {"pending"}
        assert all(m.last_error for m in waiting)
    start()
    assert pending_mail(app) == (2, 0)
    assert wait_for(lambda: len(handler.messages) == 2)
    subjects = sorted(m["Subject"] for m in handler.messages)
    assert subjects == ["Nytt möte bokat: Ek AB", "Your meeting with Normkraft is booked"]
