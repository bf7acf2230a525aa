"""Staff act for a caller from the desk: move and cancel a booking (the visitor's rules,
transaction and mails) and book a meeting for someone who phoned."""

import pytest
from booking_helpers import (
    TWO_CONSULTANTS,
    Visitor,
    booking_app,
    bookings,
    invite_of,
    manage_url,
    move,
)
from bs4 import BeautifulSoup
from desk_helpers import STAFF, csrf_token, history, post, staff_client
from forms_helpers import by_recipient, mails, pending_mail
from sqlalchemy import select

from forms_service.booking.models import BookingEvent
from forms_service.db import db

NEW_TIME = "2026-03-31T09:00:00+02:00"
TAKEN = {"sv": "Den tiden blev precis bokad. Välj en annan.",
         "en": "That time was just taken. Please pick another."}
CHANGED = {"sv": "Mötet har ändrats under tiden, så inget mer har gjorts.",
           "en": "This meeting was changed in the meantime, so nothing more was done."}


def staff_move(desk, booking_id, start=NEW_TIME, sequence="0", lang="sv"):
    page = f"/admin/bookings/{booking_id}?lang={lang}"
    return post(desk, f"/admin/bookings/{booking_id}/move",
                {"start": start, "sequence": sequence}, page=page)


@pytest.fixture
def booked(bapp):
    """A visitor's booking (English, New York) with its first mails sent; the desk."""
    assert Visitor(bapp.test_client()).book(lang="en", tz="America/New_York").status_code == 200
    assert pending_mail(bapp) == (2, 0)
    return staff_client(bapp)


def test_the_booking_page_offers_free_times_to_move_to(bapp, booked):
    html = booked.get("/admin/bookings/1?lang=sv").get_data(as_text=True)
    soup = BeautifulSoup(html, "lxml")
    form = soup.select_one("form[action$='/admin/bookings/1/move']")
    values = [i["value"] for i in form.select("input[name=start]")]
    assert NEW_TIME in values
    assert "2026-03-30T09:00:00+02:00" not in values  # its own time
    assert form.select_one("input[name=sequence]")["value"] == "0"
    assert form.select_one("input[name=csrf_token]")["value"]


def test_staff_move_sends_the_visitor_the_same_reschedule(bapp, booked):
    desk = booked
    answer = staff_move(desk, 1)
    assert answer.status_code == 303
    page = desk.get("/admin/bookings/1?lang=sv").get_data(as_text=True)
    assert "Mötet är flyttat. Besökaren och säljavdelningen får den nya tiden via e-post." in page
    (booking,) = bookings(bapp)
    assert (booking.sequence, booking.status, booking.starts_at.day) == (1, "confirmed", 31)
    assert pending_mail(bapp) == (2, 0)
    first, moved = mails(bapp)[0], by_recipient(mails(bapp)[2:])
    visitor, sales = moved["anna@example.com"], moved["sales@normkraft.se"]
    assert visitor["Subject"] == "Your meeting with Normkraft has been moved"
    assert ("moved from Monday, March 30, 2026, 03:00–03:45 (America/New_York) to Tuesday, "
            "March 31, 2026, 03:00–03:45 (America/New_York).") in (
        visitor.get_body(("plain",)).get_content())
    (old,) = invite_of(first)[1].walk("VEVENT")
    method, calendar = invite_of(visitor)
    (event,) = calendar.walk("VEVENT")
    assert (method, str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", str(old["UID"]), 1)
    assert sales["Subject"] == "Möte flyttat: Ek AB"
    assert f"Av: {STAFF}" in sales.get_body(("plain",)).get_content()
    assert history(desk, 1, "en")[1].endswith(f"– by {STAFF}")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_staff_move_to_a_time_taken_meanwhile_says_so(bapp, booked, lang):
    desk = booked
    page = f"/admin/bookings/1?lang={lang}"
    token = csrf_token(desk, page)  # the page was drawn while the time was free
    assert Visitor(bapp.test_client()).book(start=NEW_TIME, email="bo@example.com"
                                            ).status_code == 200
    answer = desk.post("/admin/bookings/1/move",
                       data={"start": NEW_TIME, "sequence": "0", "csrf_token": token})
    assert answer.status_code == 409
    soup = BeautifulSoup(answer.get_data(as_text=True), "lxml")
    assert soup.select_one("#booking-notice").get_text() == TAKEN[lang]
    assert [(b.sequence, b.starts_at.day) for b in bookings(bapp)] == [(0, 30), (0, 31)]
    assert pending_mail(bapp) == (2, 0)  # the second visitor's mails only


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_staff_move_of_a_booking_the_visitor_changed_meanwhile_is_refused(bapp, booked, lang):
    desk = booked
    token = csrf_token(desk, f"/admin/bookings/1?lang={lang}")
    assert move(bapp.test_client(), manage_url(bapp, 1)).status_code == 303
    answer = desk.post("/admin/bookings/1/move", data={
        "start": "2026-04-01T09:00:00+02:00", "sequence": "0", "csrf_token": token})
    assert answer.status_code == 409
    assert CHANGED[lang] in answer.get_data(as_text=True)
    (booking,) = bookings(bapp)
    assert (booking.sequence, booking.starts_at.day) == (1, 31)  # the visitor's move stands


@pytest.mark.parametrize("start, status", [("", 422), ("tomorrow", 422),
                                           ("2026-03-30T09:10:00+02:00", 422),
                                           ("2026-03-21T09:00:00+02:00", 422)])
def test_staff_move_to_no_time_or_a_bad_one_is_a_message(bapp, booked, start, status):
    answer = staff_move(booked, 1, start=start)
    assert answer.status_code == status
    notice = BeautifulSoup(answer.get_data(as_text=True), "lxml").select_one("#booking-notice")
    assert notice.get_text().startswith(("Du valde ingen ny tid", "Det är inte en av våra",
                                         "Vi har stängt"))
    assert bookings(bapp)[0].sequence == 0


def test_staff_cancel_sends_the_visitor_the_cancel_of_the_same_event(bapp, booked):
    desk = booked
    stale = post(desk, "/admin/bookings/1/cancel", {"sequence": "7"}, page="/admin/bookings/1")
    assert stale.status_code == 303 and bookings(bapp)[0].status == "confirmed"
    assert post(desk, "/admin/bookings/1/cancel", {"sequence": "0"},
                page="/admin/bookings/1").status_code == 303
    assert pending_mail(bapp) == (2, 0)
    first, cancelled = mails(bapp)[0], by_recipient(mails(bapp)[2:])
    method, calendar = invite_of(cancelled["anna@example.com"])
    (event,) = calendar.walk("VEVENT")
    (old,) = invite_of(first)[1].walk("VEVENT")
    assert (method, str(event["UID"]), event["SEQUENCE"]) == ("CANCEL", str(old["UID"]), 1)
    assert f"Av: {STAFF}" in cancelled["sales@normkraft.se"].get_body(("plain",)).get_content()


CALLER = {"name": "Björn Åberg", "email": "Bjorn@Example.com", "phone": "070-123 45 67",
          "company": "", "language": "en", "consultant": "", "start": NEW_TIME, "agreed": "y"}


def book_for_caller(desk, lang="sv", **fields):
    return post(desk, "/admin/bookings/new", {**CALLER, **fields},
                page=f"/admin/bookings/new?lang={lang}")


def test_staff_book_a_meeting_for_a_caller(bapp):
    desk = staff_client(bapp)
    form = BeautifulSoup(desk.get("/admin/bookings/new?lang=sv").get_data(as_text=True), "lxml")
    assert [o.get_text() for o in form.select("#caller-consultant option")] == [
        "Valfri konsult", "Alva Ek"]
    assert NEW_TIME in [i["value"] for i in form.select("input[name=start]")]
    answer = book_for_caller(desk)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/admin/bookings/1")
    page = desk.get("/admin/bookings/1?lang=sv").get_data(as_text=True)
    assert "Mötet är bokat. Den som ringde får inbjudan via e-post." in page
    (booking,) = bookings(bapp)
    assert (booking.name, booking.email, booking.phone, booking.company, booking.language,
            booking.consultant, booking.starts_at.day) == (
        "Björn Åberg", "bjorn@example.com", "+46701234567", "", "en", "alva", 31)
    assert booking.consent_text == (
        "On the phone, the caller agreed that Normkraft stores these details to arrange "
        f"the meeting (recorded by {STAFF}).")
    with bapp.app_context():
        (event,) = db.session.scalars(select(BookingEvent)).all()
        assert (event.kind, event.by, event.via, event.staff_email) == (
            "booked", "staff", "phone", STAFF)
    assert history(desk, 1, "sv") == [f"Bokat per telefon – av {STAFF}"]
    assert pending_mail(bapp) == (2, 0)
    sent = by_recipient(mails(bapp))
    visitor, sales = sent["bjorn@example.com"], sent["sales@normkraft.se"]
    assert visitor["Subject"] == "Your meeting with Normkraft is booked"
    method, calendar = invite_of(visitor)
    (ics,) = calendar.walk("VEVENT")
    assert (method, str(ics["UID"]), ics["SEQUENCE"]) == ("REQUEST", booking.uid, 0)
    body = sales.get_body(("plain",)).get_content()
    assert "Ett nytt möte har bokats per telefon." in body and f"Av: {STAFF}" in body


ERRORS = {
    "email": ({"email": "bjorn@"}, 422, "#caller-email-error",
              {"sv": "Ange en giltig e-postadress.",
               "en": "Please enter a valid e-mail address."}),
    "agreed": ({"agreed": ""}, 422, "#caller-agreed-error",
               {"sv": "Bekräfta att den som ringer har godkänt att vi sparar uppgifterna.",
                "en": "Please confirm that the caller agreed that we store these details."}),
    "phone": ({"phone": "12"}, 422, "#caller-phone-error",
              {"sv": "Ange ett giltigt telefonnummer.",
               "en": "Please enter a valid phone number."}),
    "no time": ({"start": ""}, 422, "#booking-start-error",
                {"sv": "Välj en tid.", "en": "Please pick a time."}),
    "taken": ({}, 409, "#booking-start-error", TAKEN),
    "consultant": ({"consultant": "nobody"}, 422, "#caller-consultant-error",
                   {"sv": "Ogiltigt val.", "en": "Not a valid choice."}),
}


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("case", list(ERRORS))
def test_a_caller_booking_with_a_problem_gets_a_localized_message(bapp, case, lang):
    fields, status, where, message = ERRORS[case]
    if case == "taken":
        assert Visitor(bapp.test_client()).book(start=NEW_TIME).status_code == 200
    desk = staff_client(bapp)
    answer = book_for_caller(desk, lang, **fields)
    assert answer.status_code == status
    soup = BeautifulSoup(answer.get_data(as_text=True), "lxml")
    assert soup.select_one(where).get_text() == message[lang]
    assert soup.select_one("#caller-name")["value"] == "Björn Åberg"  # kept for correction
    assert len(bookings(bapp)) == (1 if case == "taken" else 0)


def test_a_chosen_consultant_who_is_busy_then_is_named(tmp_path, ebook_source, closing):
    app = closing(booking_app(tmp_path, ebook_source, TWO_CONSULTANTS))
    assert Visitor(app.test_client()).book(start=NEW_TIME).status_code == 200
    desk = staff_client(app)
    answer = book_for_caller(desk, consultant="alva")
    assert answer.status_code == 409
    assert "Alva Ek är inte ledig den tiden. Välj en annan tid eller valfri konsult." in (
        answer.get_data(as_text=True))
    # Any consultant: Bo Ek is free then.
    assert book_for_caller(desk, consultant="").status_code == 303
    assert [b.consultant for b in bookings(app)] == ["alva", "bo"]
    assert book_for_caller(desk, consultant="bo").status_code == 409


def test_desk_forms_without_a_csrf_token_are_refused(bapp, booked):
    for path, data in (("/admin/bookings/new", CALLER),
                       ("/admin/bookings/1/move", {"start": NEW_TIME, "sequence": "0"}),
                       ("/admin/bookings/1/cancel", {"sequence": "0"})):
        answer = booked.post(path + "?lang=sv", data=data)
        assert answer.status_code == 400
        assert "Formuläret har gått ut" in answer.get_data(as_text=True)
    (booking,) = bookings(bapp)
    assert (booking.sequence, booking.status) == (0, "confirmed")
