"""The public forms' pipeline (forms_service/pipeline.py, submission.py, errors.py): what a
crafted or hurried submission gets, on SQLite and PostgreSQL. Every refusal is a localized
4xx that names the problem, and nothing is stored or mailed."""

import json

import pytest
from booking_helpers import Visitor, bookings
from desk_helpers import add_booking, post, staff_client
from forms_helpers import SITE
from sqlalchemy import func, select

from forms_service.db import db
from forms_service.desk.models import FollowUp
from forms_service.models import Lead, OutboxMessage

BAD_CHARS_SV = "Fältet ”{}” innehåller tecken som inte är tillåtna. Ta bort dem och försök igen."
BAD_CHARS_EN = ("The field “{}” contains characters that are not allowed. "
                "Please remove them and try again.")
AS_TEXT_SV = "Skicka formulärets fält som text."



def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def nothing_stored(app):
    return count(app, Lead) == 0 and count(app, OutboxMessage) == 0


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85"])
def test_a_control_character_in_the_ebook_name_is_a_localized_422(app, signup, char):
    answer = signup.json(name=f"Anna{char}Andersson")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["message"] == BAD_CHARS_SV.format("Namn")
    assert body["errors"] == {"name": [BAD_CHARS_SV.format("Namn")]}
    assert nothing_stored(app)


def test_a_nul_in_a_plain_form_post_gets_a_page_in_english(app, client):
    answer = client.post("/ebook", data={"name": "Bo\x00", "email": "bo@example.com",
                                         "consent": "y", "lang": "en"},
                         headers={"Origin": SITE})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert '<html lang="en">' in page and BAD_CHARS_EN.format("Name") in page
    assert nothing_stored(app)


@pytest.mark.parametrize(("field", "label"), [
    ("name", "Namn"), ("company", "Företag"), ("message", "Meddelande"),
    ("page_url", "page_url"),
])
def test_a_nul_in_a_booking_field_is_refused_and_nothing_booked(bapp, visitor, field, label):
    answer = visitor.book(**{field: "Ek\x00AB" if field != "page_url" else SITE + "/\x00"})
    assert answer.status_code == 422
    assert answer.get_json()["message"] == BAD_CHARS_SV.format(label)
    assert bookings(bapp) == []


def test_tabs_and_new_lines_are_kept_in_free_text(bapp, visitor):
    answer = visitor.book(message="Rad ett\n\tRad två\r\nRad tre")
    assert answer.get_json()["ok"] is True
    assert bookings(bapp)[0].message == "Rad ett\n\tRad två\r\nRad tre"


@pytest.mark.parametrize("body", [
    [1, 2, 3], "just text", 12, None, {"name": {"a": 1}}, {"email": 12},
    {"name": ["Anna", 5]}, {"consent": True}, {"elapsed": 5000.0},
])
def test_json_that_is_not_an_object_of_text_is_a_422(app, signup, body):
    data = {"name": "Anna", "email": "anna@example.com", "consent": "y", "lang": "sv",
            "elapsed": "5000"}
    payload = {**data, **body} if isinstance(body, dict) else body
    answer = signup.client.post("/ebook", data=json.dumps(payload), headers={
        "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRFToken": signup.token(), "Origin": SITE})
    assert answer.status_code == 422
    assert answer.get_json()["message"] == AS_TEXT_SV
    assert nothing_stored(app)


def test_a_json_object_of_text_is_a_signup_like_any_other(app, signup):
    answer = signup.client.post("/ebook", data=json.dumps({
        "name": "Anna", "email": "anna@example.com", "consent": "y", "lang": "en",
        "elapsed": "5000"}), headers={"Content-Type": "application/json",
                                      "Accept": "application/json",
                                      "X-CSRFToken": signup.token(), "Origin": SITE})
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    assert count(app, Lead) == 1


def test_invalid_json_is_a_422(app, signup):
    answer = signup.client.post("/ebook", data=b'{"name": "\xff', headers={
        "Content-Type": "application/json", "Accept": "application/json",
        "X-CSRFToken": signup.token(), "Origin": SITE})
    assert answer.status_code == 422
    assert nothing_stored(app)


def test_an_expired_session_in_json_gets_one_localized_answer(app, signup):
    answer = signup.json(with_token=False, lang="en")
    assert answer.status_code == 400
    assert answer.get_json()["message"] == "Your session has expired. Please try again."
    assert nothing_stored(app)


def test_a_nul_in_the_desk_search_or_notes_is_a_422(app):
    staff = staff_client(app)
    answer = staff.get("/admin/leads?q=anna%00")
    assert answer.status_code == 422
    assert BAD_CHARS_SV.format("Sök") in answer.get_data(as_text=True)
    booking_id = add_booking(app)
    answer = post(staff, f"/admin/bookings/{booking_id}",
                  {"status": "contacted", "notes": "Ringde\x00"})
    assert answer.status_code == 422
    assert BAD_CHARS_SV.format("Anteckningar") in answer.get_data(as_text=True)
    assert count(app, FollowUp) == 0


@pytest.fixture
def limited_app(build_app):
    app = build_app(RATELIMIT_ENABLED=True,
                    RATELIMIT_PER_IP="3/minute", RATELIMIT_PER_EMAIL="100/hour")
    return app


def test_a_rate_limit_says_what_it_is_and_when_to_try_again(limited_app):
    from forms_helpers import Signup

    signup = Signup(limited_app.test_client())
    for number in range(3):
        ok = signup.json(email=f"person{number}@example.com")
        assert ok.status_code == 200
        assert "Retry-After" not in ok.headers
    limited = signup.json(email="person9@example.com", lang="en")
    assert limited.status_code == 429
    seconds = int(limited.headers["Retry-After"])
    assert 0 < seconds <= 60
    assert limited.get_json()["message"] == (
        "Too many attempts. Please try again in a minute.")
    page = signup.client.post("/ebook", data={"name": "Bo", "email": "bo@example.com",
                                              "consent": "y", "lang": "sv"},
                              headers={"Origin": SITE})
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "För många försök. Försök igen om en minut." in page.get_data(as_text=True)
    with limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 3


def test_a_booking_from_an_article_keeps_the_article_and_its_campaign(bapp, visitor):
    booking_page = (SITE + "/boka-mote/?source=/artiklar/iso-9001/"
                    "&utm_source=linkedin&utm_campaign=host")
    answer = visitor.book(page_url=booking_page, referrer="https://www.linkedin.com/")
    assert answer.get_json()["ok"] is True
    [booking] = bookings(bapp)
    assert booking.page_url == SITE + "/artiklar/iso-9001/?utm_source=linkedin&utm_campaign=host"
    assert (booking.utm_source, booking.utm_campaign, booking.utm_medium) == (
        "linkedin", "host", None)
    assert booking.referrer == "https://www.linkedin.com/"


def test_a_plain_booking_keeps_the_article_the_booking_page_was_reached_from(bapp):
    import re

    client = bapp.test_client()
    page = client.get("/booking?lang=sv", headers={
        "Referer": SITE + "/boka-mote/?source=/artiklar/iso-14001/&utm_source=nyhetsbrev"})
    html = page.get_data(as_text=True)
    hidden = dict(re.findall(r'name="(csrf_token|ts|page_url)" (?:type="hidden" )?value="([^"]*)"',
                             html))
    assert hidden["page_url"] == SITE + "/artiklar/iso-14001/?utm_source=nyhetsbrev"
    bapp.config["MIN_FILL_SECONDS"] = 0
    answer = client.post("/booking", data=Visitor(client).fields(**hidden, elapsed=None),
                         headers={"Origin": SITE})
    assert answer.status_code == 303
    [booking] = bookings(bapp)
    assert (booking.page_url, booking.utm_source) == (
        SITE + "/artiklar/iso-14001/?utm_source=nyhetsbrev", "nyhetsbrev")


@pytest.mark.parametrize("source", ["//evil.example/x", "https://evil.example/", "artiklar/x"])
def test_a_source_outside_the_site_is_not_taken(bapp, visitor, source):
    booking_page = SITE + "/boka-mote/?source=" + source
    visitor.book(page_url=booking_page)
    assert bookings(bapp)[0].page_url == booking_page


@pytest.mark.parametrize(("email", "stored"), [
    ("anna@bücher.de", "anna@bücher.de"),
    ("Anna@Exempel-Åäö.SE", "anna@exempel-åäö.se"),
])
def test_a_domain_outside_ascii_is_taken(app, signup, email, stored):
    assert signup.json(email=email).status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().email == stored


@pytest.mark.parametrize("lang, message", [
    ("sv", "Använd en adress med bara latinska bokstäver (a–z), siffror och tecken som . _ - "
           "före @."),
    ("en", "Please use an address with only Latin letters (a–z), digits and characters like "
           ". _ - before the @."),
])
def test_a_local_part_outside_ascii_is_refused_at_the_form(app, signup, lang, message):
    answer = signup.json(email="björn@example.com", lang=lang)
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {"email": [message]}
    assert nothing_stored(app)
