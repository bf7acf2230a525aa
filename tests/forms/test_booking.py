"""POST /booking and GET /booking/slots on SQLite and PostgreSQL: answers, rules, guards."""

import re
import time
from datetime import datetime, timedelta

import pytest
from booking_helpers import TWO_CONSULTANTS, Visitor, booking_app, bookings
from forms_helpers import SITE
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from forms_service.db import db
from forms_service.models import OutboxMessage

OK = {"sv": "Tack! Vi hör av oss snart!", "en": "Thank you! You will hear from us soon!"}
TAKEN = {"sv": "Den tiden blev precis bokad. Välj en annan.",
         "en": "That time was just taken. Please pick another."}



def test_slots_are_iso_times_with_the_stockholm_offset(bapp):
    answer = bapp.test_client().get("/booking/slots?from=2026-03-27&to=2026-03-30")
    assert answer.status_code == 200
    slots = answer.get_json()["slots"]
    # Friday before the change (+01:00), nothing at the weekend, Monday after it (+02:00).
    assert slots[0] == {"start": "2026-03-27T09:00:00+01:00", "end": "2026-03-27T09:45:00+01:00"}
    assert slots[6] == {"start": "2026-03-30T09:00:00+02:00", "end": "2026-03-30T09:45:00+02:00"}
    assert len(slots) == 12
    assert answer.get_json()["time_zone"] == "Europe/Stockholm"
    assert answer.headers["Cache-Control"] == "no-store"


def test_slots_default_to_the_whole_horizon_after_the_notice(bapp):
    slots = bapp.test_client().get("/booking/slots").get_json()["slots"]
    assert slots[0]["start"] == "2026-03-23T09:00:00+01:00"  # Monday: 24 h notice from Friday
    days = {s["start"][:10] for s in slots}
    assert "2026-04-03" not in days and "2026-04-06" not in days  # Good Friday, Easter Monday
    assert max(days) == "2026-04-30"  # 42 days ahead (1 May is a holiday)


@pytest.mark.parametrize("query", [
    "from=yesterday", "from=2026-03-27&to=30 March",
    # Dates at the ends of the calendar: the day after, or the instant in UTC, is out of range.
    "to=9999-12-31", "from=0001-01-01", "from=0001-01-01T00:00:00%2B14:00",
    "to=9999-12-31T23:00:00-14:00",
])
def test_bad_slot_ranges_are_refused(bapp, query):
    answer = bapp.test_client().get("/booking/slots?lang=en&" + query)
    assert answer.status_code == 400
    assert answer.get_json()["message"] == (
        "Please give from and to as dates (YYYY-MM-DD) or ISO 8601 times.")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_booking_is_stored_with_two_mails_queued(bapp, visitor, lang):
    answer = visitor.book(lang=lang, phone="070-123 45 67", email="Anna@Example.com")
    assert answer.status_code == 200
    assert answer.get_json() == {"ok": True, "message": OK[lang], "errors": {}}
    (booking,) = bookings(bapp)
    assert (booking.consultant, booking.status, booking.language) == ("alva", "confirmed", lang)
    assert booking.starts_at == datetime(2026, 3, 30, 7, 0)
    assert booking.ends_at == datetime(2026, 3, 30, 7, 45)
    assert booking.blocked_until == datetime(2026, 3, 30, 8, 0)
    assert (booking.email, booking.phone) == ("anna@example.com", "+46701234567")
    assert booking.topic_list == ["iso9001", "iso27001"]
    assert "privacy" in booking.consent_text or "integritetspolicyn" in booking.consent_text
    with bapp.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["booking_request", "booking_sales_new"]
    free = bapp.test_client().get("/booking/slots?from=2026-03-30&to=2026-03-30").get_json()
    assert "2026-03-30T09:00:00+02:00" not in [s["start"] for s in free["slots"]]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_taken_time_is_409_with_a_localized_message(visitor, lang):
    assert visitor.book().status_code == 200
    answer = visitor.book(lang=lang, email="bo@example.com")
    assert answer.status_code == 409
    assert answer.get_json() == {"ok": False, "message": TAKEN[lang],
                                 "errors": {"start": [TAKEN[lang]]}}


@pytest.mark.parametrize("start, message", [
    ("2026-03-19T09:00:00+01:00", "That time has already passed. Please pick another."),
    ("2026-04-03T09:00:00+02:00", "We are closed that day. Please pick another."),
    ("2026-03-30T09:10:00+02:00", "That is not one of our meeting times. Please pick another."),
    ("2026-03-30T07:00:00+02:00", "That is not one of our meeting times. Please pick another."),
    ("2026-03-30T12:00:00+02:00", "That is not one of our meeting times. Please pick another."),
    ("2026-03-20T15:00:00+01:00", "Please pick a time at least 24 hours from now."),
    ("2026-05-04T09:00:00+02:00", "Please pick a time within the next 42 days."),
    ("2026-03-30T09:00:00", "Please pick a time."),
    ("next monday", "Please pick a time."),
    ("0001-01-01T00:00:00+14:00", "Please pick a time."),
    ("9999-12-31T23:00:00-14:00", "Please pick a time."),
    ("9999-12-31T23:30:00Z", "Please pick a time within the next 42 days."),
    ("", "Please pick a time."),
])
def test_times_we_do_not_offer_are_422(bapp, visitor, start, message):
    answer = visitor.book(lang="en", start=start)
    assert answer.status_code == 422
    assert answer.get_json() == {"ok": False, "message": "Please correct the marked fields.",
                                 "errors": {"start": [message]}}
    assert bookings(bapp) == []


def test_the_same_instant_in_another_offset_is_the_same_slot(bapp, visitor):
    assert visitor.book(start="2026-03-30T07:00:00Z").status_code == 200
    assert visitor.book(start="2026-03-30T03:00:00-04:00").status_code == 409


@pytest.mark.parametrize("fields, errors", [
    ({"name": ""}, {"name": ["Please enter your name."]}),
    ({"email": "anna@"}, {"email": ["Please enter a valid e-mail address."]}),
    ({"company": " "}, {"company": ["Please enter your company."]}),
    ({"company": "x" * 201}, {"company": ["Please use at most 200 characters."]}),
    ({"phone": "12"}, {"phone": ["Please enter a valid phone number."]}),
    ({"phone": "070-12"}, {"phone": ["Please enter a valid phone number."]}),
    ({"message": "x" * 2001}, {"message": ["Please use at most 2000 characters."]}),
    ({"consent": None}, {"consent": ["Please accept the privacy policy to book a meeting."]}),
])
def test_bad_fields_are_422_with_exact_messages(bapp, visitor, fields, errors):
    answer = visitor.book(lang="en", **fields)
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == errors
    assert bookings(bapp) == []


def test_messages_are_in_swedish_for_swedish_pages(visitor):
    answer = visitor.book(lang="sv", phone="12", start="2026-04-03T09:00:00+02:00")
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {"phone": ["Ange ett giltigt telefonnummer."]}
    answer = visitor.book(lang="sv", start="2026-04-03T09:00:00+02:00")
    assert answer.get_json()["errors"] == {
        "start": ["Vi har stängt den dagen. Välj en annan."]}


@pytest.mark.parametrize("phone, stored", [
    ("", None), ("08-123 456 78", "+46812345678"), ("+44 20 7946 0958", "+442079460958"),
])
def test_phone_is_optional_and_stored_as_e164(bapp, visitor, phone, stored):
    assert visitor.book(phone=phone).status_code == 200
    assert bookings(bapp)[0].phone == stored


def test_unknown_topics_are_dropped(bapp, visitor):
    assert visitor.book(topic=["iso9001", "<script>"]).status_code == 200
    assert bookings(bapp)[0].topic_list == ["iso9001"]


def test_without_a_csrf_token_nothing_is_booked(bapp, visitor):
    answer = visitor.book(with_token=False, lang="en")
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "Your session has expired. Please try again."
    assert bookings(bapp) == []


def test_a_foreign_origin_is_refused(bapp, visitor):
    answer = visitor.book(headers={"Origin": "https://evil.example"}, lang="en")
    assert answer.status_code == 400
    assert bookings(bapp) == []


@pytest.mark.parametrize(("trap", "signals"), [
    ({"website": "http://spam.example"}, "honeypot,confirmed"),
    ({"elapsed": "100"}, "fast,confirmed"),
    ({"elapsed": None}, "no-timing,confirmed"),
])
def test_a_suspicious_booking_is_confirmed_before_it_holds_the_slot(bapp, visitor, trap,
                                                                   signals):
    bapp.config.update(MIN_FILL_SECONDS=2.0, MIN_CONFIRM_SECONDS=1.0)
    answer = visitor.book(**trap)
    body = answer.get_json()
    assert answer.status_code == 200 and body["ok"] is False
    assert body["message"].startswith("Bekräfta din bokning: måndag 30 mars 2026 09:00")
    assert body["confirm"]
    assert bookings(bapp) == []  # nothing held yet: the slot is still free for others
    # A script sending the confirmation straight back is asked again.
    again = visitor.book(confirm=body["confirm"], **trap).get_json()
    assert again["ok"] is False and again["confirm"] and bookings(bapp) == []
    time.sleep(1.05)
    done = visitor.book(confirm=again["confirm"], **trap)
    assert done.status_code == 200 and done.get_json()["ok"] is True
    [booking] = bookings(bapp)
    assert booking.bot_signals == signals


def test_a_confirmation_is_for_its_own_time_and_address_only(bapp, visitor):
    bapp.config.update(MIN_FILL_SECONDS=2.0, MIN_CONFIRM_SECONDS=0)
    token = visitor.book(elapsed="100").get_json()["confirm"]
    other = visitor.book(elapsed="100", confirm=token, start="2026-03-30T10:00:00+02:00")
    assert other.get_json()["ok"] is False and other.get_json()["confirm"] != token
    forged = visitor.book(elapsed="100", confirm=token + "x")
    assert forged.get_json()["ok"] is False
    assert bookings(bapp) == []


def test_a_suspicious_plain_booking_gets_a_confirmation_page(bapp):
    bapp.config.update(MIN_FILL_SECONDS=60.0, MIN_CONFIRM_SECONDS=0)
    client = bapp.test_client()
    page = client.get("/booking?lang=en", headers={"Referer": SITE + "/en/book-a-meeting/"})
    html = page.get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|ts|lang|page_url)" '
                             r'(?:type="hidden" )?value="([^"]*)"',
                             html))
    visitor = Visitor(client)
    answer = client.post("/booking", data=visitor.fields(**{**fields, "elapsed": None}),
                         headers={"Origin": SITE})
    confirm_page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<h1>Confirm your booking</h1>" in confirm_page
    assert re.search(r"Please confirm your booking: Monday.* 30.*09:00", confirm_page)
    assert "The time is not held until you confirm." in confirm_page
    assert bookings(bapp) == []
    resent = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm_page))
    resent["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]*)"',
                                     confirm_page).group(1)
    done = client.post("/booking", data={**resent, "topic": ["iso9001", "iso27001"]},
                       headers={"Origin": SITE})
    assert done.status_code == 303
    [booking] = bookings(bapp)
    assert booking.bot_signals == "fast,confirmed"
    assert (booking.name, booking.company, booking.topics) == (
        "Anna Andersson", "Ek AB", "iso9001,iso27001")


def test_round_robin_among_the_consultants_free_then(tmp_path, ebook_source):
    app = booking_app(tmp_path, ebook_source, TWO_CONSULTANTS)
    visitor = Visitor(app.test_client())
    monday = "2026-03-30T{}:00:00+02:00"
    for hour in ("09", "10", "11", "09", "13"):
        visitor.book(start=monday.format(hour))
    # 09 alva, 10 bo, 11 alva, 09 again: bo (alva busy), 13: only alva works then.
    assert [(b.starts_at.hour, b.consultant) for b in bookings(app)] == [
        (7, "alva"), (8, "bo"), (9, "alva"), (7, "bo"), (11, "alva")]
    assert visitor.book(start=monday.format("09")).status_code == 409


def test_the_database_refuses_overlaps_even_off_the_grid(bapp, visitor):
    """Bypass the service's checks: the constraint alone must refuse partial overlaps."""
    from forms_service.booking.models import Booking

    assert visitor.book().status_code == 200  # alva 07:00-07:45Z, blocked until 08:00Z

    def row(uid, who, hour, minute):
        start = datetime(2026, 3, 30, hour, minute)
        return {"uid": uid, "consultant": who, "starts_at": start,
                "ends_at": start + timedelta(minutes=45),
                "blocked_until": start + timedelta(hours=1), "status": "confirmed",
                "sequence": 0, "name": "X", "email": "x@example.com", "company": "X",
                "topics": "", "message": "", "language": "sv", "consent_text": "c",
                "consent_version": "v", "created_at": start}

    with bapp.app_context():
        # 07:30 overlaps the meeting; 06:30 ends at 07:15; 07:50 falls into the buffer.
        for uid, (hour, minute) in (("a", (7, 30)), ("b", (6, 30)), ("c", (7, 50))):
            with pytest.raises(IntegrityError):
                db.session.execute(insert(Booking), [row(uid, "alva", hour, minute)])
                db.session.commit()
            db.session.rollback()
        # Right after the buffer is fine; so is the same time for someone else,
        # and a cancelled booking does not count.
        db.session.execute(insert(Booking), [
            row("d", "alva", 8, 0), row("e", "other", 7, 0),
            row("f", "alva", 7, 15) | {"status": "cancelled"}])
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 4


# The no-JavaScript form, with Post/Redirect/Get.

def _form_token(client, lang="en"):
    page = client.get(f"/booking?lang={lang}").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1), page


def test_the_form_page_lists_free_times_as_radio_buttons(bapp):
    client = bapp.test_client()
    _, page = _form_token(client, "sv")
    assert '<html lang="sv">' in page
    assert 'value="2026-03-23T09:00:00+01:00"' in page
    assert 'value="2026-03-30T09:00:00+02:00"' in page
    assert "måndag 23 mars 2026" in page
    assert "Europe/Stockholm" in page
    assert "2026-04-03T" not in page  # Good Friday
    later = client.get("/booking?lang=sv&from=2026-04-03").get_data(as_text=True)
    assert 'value="2026-04-07T09:00:00+02:00"' in later


@pytest.mark.parametrize("first_day, first, last", [
    # The last 14 days of the window (it ends on 1 May, a holiday).
    ("9999-12-31", "2026-04-20T09:00:00+02:00", "2026-04-30T15:00:00+02:00"),
    # From today, where the notice leaves Monday first.
    ("0001-01-01", "2026-03-23T09:00:00+01:00", "2026-04-02T15:00:00+02:00"),
])
def test_the_form_page_keeps_odd_dates_in_the_booking_window(bapp, first_day, first, last):
    answer = bapp.test_client().get(f"/booking?lang=en&from={first_day}")
    assert answer.status_code == 200
    times = re.findall(r'name="start" value="([^"]+)"', answer.get_data(as_text=True))
    assert (times[0], times[-1]) == (first, last)


def test_the_plain_form_books_and_redirects(bapp):
    client = bapp.test_client()
    token, _ = _form_token(client)
    fields = Visitor(client).fields(lang="en", csrf_token=token)
    answer = client.post("/booking", data=fields, headers={"Origin": SITE})
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/booking/thanks?lang=en"
    thanks = client.get("/booking/thanks?lang=en").get_data(as_text=True)
    assert OK["en"] in thanks
    assert len(bookings(bapp)) == 1


@pytest.mark.parametrize("start", [
    "2026-03-30T09:00:00+02:00",
    "2026-04-20T09:00:00+02:00",  # a month ahead: the redrawn page is the one it was on
])
def test_the_plain_form_shows_errors_and_keeps_values(bapp, start):
    client = bapp.test_client()
    token, _ = _form_token(client)
    fields = Visitor(client).fields(lang="en", csrf_token=token, phone="12", company="Ek AB",
                                    start=start)
    answer = client.post("/booking", data=fields, headers={"Origin": SITE})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Please enter a valid phone number." in page
    assert 'value="Ek AB"' in page
    assert f'value="{start}" required checked' in page
    assert bookings(bapp) == []


def test_the_plain_form_with_a_time_at_the_end_of_the_calendar_is_422(bapp):
    client = bapp.test_client()
    token, _ = _form_token(client)
    fields = Visitor(client).fields(lang="en", csrf_token=token, start="9999-12-31T23:30:00Z")
    answer = client.post("/booking", data=fields, headers={"Origin": SITE})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Please pick a time within the next 42 days." in page
    assert 'value="2026-04-30T15:00:00+02:00"' in page  # the window's last page
    assert not re.search(r'name="start" value="[^"]+" required checked', page)


def test_the_plain_form_on_a_taken_time_is_409_with_fresh_times(bapp):
    client = bapp.test_client()
    assert Visitor(client).book().status_code == 200
    token, _ = _form_token(client)
    fields = Visitor(client).fields(lang="en", csrf_token=token, email="bo@example.com")
    answer = client.post("/booking", data=fields, headers={"Origin": SITE})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert TAKEN["en"] in page
    assert 'value="2026-03-30T09:00:00+02:00"' not in page
