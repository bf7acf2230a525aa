"""Signed links whose payload is not one we make: the "link no longer works" page, not a 500.

The tokens are signed with the app's SECRET_KEY and the links' own salts, as a leaked key
or an old payload format would give them; only their shape is wrong.
"""

import time

import pytest
from desk_helpers import add_booking
from itsdangerous import URLSafeTimedSerializer

from forms_service.db import db
from forms_service.tokens import stamp_age, start_stamp

HUGE = 10**30
# Wrong for any of the links: not an object at all.
NOT_OBJECTS = [[1, 2], "lead", HUGE, None, True, 1.5]
DOWNLOAD_MALFORMED = NOT_OBJECTS + [
    {}, {"lead": "x", "lang": "en"}, {"lead": HUGE, "lang": "en"}, {"lead": 2**31, "lang": "en"},
    {"lead": -1, "lang": "en"}, {"lead": 0, "lang": "en"}, {"lead": True, "lang": "en"},
    {"lead": 1.0, "lang": "en"}, {"lead": [1], "lang": "en"}, {"lead": {"a": 1}, "lang": "en"},
    {"lead": 1}, {"lang": "en"}, {"lead": 1, "lang": "en", "more": 1},
    {"lead": 1, "lang": ["en"]}, {"lead": 1, "lang": 5}, {"lead": 1, "lang": "x" * 1000},
]
MANAGE_MALFORMED = NOT_OBJECTS + [
    {}, {"b": [1, 2]}, {"b": {"a": 1}, "u": 5}, {"b": {"a": 1}, "u": 5, "l": "en"},
    {"b": HUGE, "u": "x", "l": "en"}, {"b": 2**31, "u": "x", "l": "en"},
    {"b": "1", "u": "x", "l": "en"}, {"b": 1, "u": None, "l": "en"}, {"b": 1, "u": 5, "l": "en"},
    {"b": 1, "u": "x"}, {"b": 1, "u": "x", "l": "en", "z": 0}, {"b": 1, "u": "x", "l": {}},
]
INVALID = {
    "ebook-download": {"sv": "Länken till e-boken är inte giltig.",
                       "en": "The link to the e-book is not valid."},
    "booking-manage": {"sv": "Länken till ditt möte är inte giltig.",
                       "en": "The link to your meeting is not valid."},
}
EN_DOWNLOAD = INVALID["ebook-download"]["en"]
EN_MANAGE = INVALID["booking-manage"]["en"]


def sign(app, salt, payload):
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=salt).dumps(payload)


def page(response):
    return response.status_code, response.get_data(as_text=True)


def assert_invalid_page(response, salt, language):
    status, html = page(response)
    assert status == 400
    assert f'<html lang="{language}">' in html and INVALID[salt][language] in html


def language_of(payload, key, asked):
    """The page's language: the link's own (when it is a string), else the one asked for."""
    return payload[key] if isinstance(payload, dict) and payload.get(key) == "en" else asked


def test_malformed_download_links_get_the_link_problem_page(app, client):
    for payload in DOWNLOAD_MALFORMED:
        link = "/ebook/download/" + sign(app, "ebook-download", payload)
        for query, asked in (("", "sv"), ("?lang=en", "en")):
            answer = client.get(link + query)
            try:
                assert_invalid_page(answer, "ebook-download", language_of(payload, "lang", asked))
            except AssertionError as exc:
                raise AssertionError(f"{payload!r}{query}") from exc


def test_a_malformed_download_link_keeps_the_readers_language(app, client):
    link = "/ebook/download/" + sign(app, "ebook-download", {"lead": "x", "lang": "en"})
    status, html = page(client.get(link))
    assert status == 400
    assert '<html lang="en">' in html and EN_DOWNLOAD in html


def test_an_expired_malformed_download_link_is_invalid_not_expired(app, client):
    app.config["LINK_MAX_AGE"] = -1
    for payload in ([1, 2], {"lead": HUGE, "lang": "en"}):
        link = "/ebook/download/" + sign(app, "ebook-download", payload)
        assert_invalid_page(client.get(link + "?lang=en"), "ebook-download", "en")


def test_a_well_formed_download_link_signed_the_same_way_is_read(app, client):
    # The control: signed like the malformed ones, it names a lead that does not exist.
    link = "/ebook/download/" + sign(app, "ebook-download", {"lead": 2**31 - 1, "lang": "en"})
    status, html = page(client.get(link))
    assert status == 410
    assert '<html lang="en">' in html


def test_malformed_manage_links_get_the_link_problem_page(bapp):
    client = bapp.test_client()
    for payload in MANAGE_MALFORMED:
        link = "/booking/manage/" + sign(bapp, "booking-manage", payload)
        for query, asked in (("", "sv"), ("?lang=en", "en")):
            answers = [client.get(link + query)] + [
                client.post(f"{link}/{action}{query}", data={"csrf_token": "x"})
                for action in ("cancel", "move")]
            for answer in answers:
                try:
                    assert_invalid_page(answer, "booking-manage", language_of(payload, "l", asked))
                except AssertionError as exc:
                    raise AssertionError(f"{answer.request.method} {payload!r}{query}") from exc


def test_a_malformed_manage_link_keeps_the_visitors_language(bapp):
    link = "/booking/manage/" + sign(bapp, "booking-manage", {"b": {"a": 1}, "u": 5, "l": "en"})
    status, html = page(bapp.test_client().get(link))
    assert status == 400
    assert '<html lang="en">' in html and EN_MANAGE in html


def test_an_expired_malformed_manage_link_is_invalid_not_expired(bapp):
    bapp.config["BOOKING_LINK_MAX_AGE"] = -1
    link = "/booking/manage/" + sign(bapp, "booking-manage", {"b": HUGE, "u": "x", "l": "en"})
    status, html = page(bapp.test_client().get(link))
    assert status == 400
    assert EN_MANAGE in html


def test_a_well_formed_manage_link_signed_the_same_way_is_read(bapp):
    booking_id = add_booking(bapp, consultant="alva", language="en")
    with bapp.app_context():
        from forms_service.booking.models import Booking

        uid = db.session.get(Booking, booking_id).uid
    link = "/booking/manage/" + sign(bapp, "booking-manage",
                                     {"b": booking_id, "u": uid, "l": "en"})
    status, html = page(bapp.test_client().get(link))
    assert status == 200
    assert '<html lang="en">' in html and EN_MANAGE not in html


@pytest.mark.parametrize("issued", [[1], "x", None, True, {"t": 1}, -5, 1e300, HUGE,
                                    float("nan"), float("inf")])
def test_a_malformed_form_stamp_is_not_ours(sqlite_app, issued):
    with sqlite_app.test_request_context():
        assert stamp_age(sign(sqlite_app, "form-start", issued)) is None


def test_a_form_stamp_still_tells_its_age(sqlite_app):
    with sqlite_app.test_request_context():
        assert 29 < stamp_age(start_stamp(head_start=30)) < 40
        assert 0 <= stamp_age(sign(sqlite_app, "form-start", time.time() - 5)) - 5 < 10
        assert stamp_age(None) is None and stamp_age("nonsense") is None
