"""Property-based fuzz of every public endpoint (Hypothesis), on SQLite and PostgreSQL.

Every POST field and query parameter gets arbitrary text (control characters, invalid
UTF-8, huge values), JSON bodies get values of any type, and fields come duplicated.
Whatever comes in:
- the service never answers 5xx;
- a 4xx carries a message in the reader's language (a JSON message or our own page);
- a refusal stores and mails nothing;
- a success is stored.

`make test` runs the small "ci" profile; `make fuzz` runs the larger "fuzz" profile
(HYPOTHESIS_PROFILE=fuzz).
"""

import json
from urllib.parse import quote_from_bytes

from email_validator import EmailNotValidError, validate_email
from forms_helpers import SITE
from fuzz_helpers import any_text, assert_localized, json_value
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from forms_service.booking.models import Booking
from forms_service.db import db
from forms_service.models import Lead, OutboxMessage

EBOOK_FIELDS = ["name", "email", "consent", "lang", "page_url", "referrer", "website",
                "elapsed", "ts"]
BOOKING_FIELDS = ["name", "email", "company", "phone", "topic", "message", "start", "consent",
                  "lang", "tz", "page_url", "referrer", "website", "elapsed", "ts", "confirm"]
GOOD_EBOOK = {"name": "Anna Andersson", "email": "anna@example.com", "consent": "y",
              "lang": "sv", "elapsed": "5000"}
GOOD_BOOKING = {"name": "Anna Andersson", "email": "anna@example.com", "company": "Ek AB",
                "topic": "iso9001", "start": "2026-03-30T09:00:00+02:00", "consent": "y",
                "lang": "sv", "elapsed": "5000", "tz": "Europe/Stockholm"}
LANGUAGES = {"sv", "en"}


def form_pairs(names, good):
    """(name, value) pairs: good values, some replaced by fuzz, some fields duplicated."""
    return st.lists(st.tuples(st.sampled_from(names + ["extra", "csrf_token"]), any_text),
                    max_size=6).map(lambda fuzz: list(good.items()) + fuzz)


def raw_body(names, good):
    """A form body with bytes that need not be UTF-8."""
    pair = st.tuples(st.sampled_from(names), st.binary(max_size=30))
    return st.lists(pair, min_size=1, max_size=4).map(lambda pairs: "&".join(
        [f"{k}={quote_from_bytes(v.encode())}" for k, v in good.items()]
        + [f"{k}={quote_from_bytes(v)}" for k, v in pairs]).encode())


def json_body(names, good):
    fuzz = st.dictionaries(st.sampled_from(names), json_value, max_size=4)
    return st.one_of(fuzz.map(lambda d: {**good, **d}), json_value)


def body_and_headers(names, good):
    """(kwargs for client.post, description): a form, raw bytes or JSON, as JS or a page."""
    return st.one_of(
        st.tuples(st.just("form"), form_pairs(names, good)),
        st.tuples(st.just("raw"), raw_body(names, good)),
        st.tuples(st.just("json"), json_body(names, good)),
    )


def request_kwargs(kind, body, token, accept_json):
    headers = {"Origin": SITE, "X-CSRFToken": token}
    if accept_json:
        headers["Accept"] = "application/json"
    if kind == "form":
        return {"data": MultiDict(body), "headers": headers}
    if kind == "raw":
        return {"data": body, "headers": {
            **headers, "Content-Type": "application/x-www-form-urlencoded"}}
    return {"data": json.dumps(body, allow_nan=True), "headers": {
        **headers, "Content-Type": "application/json"}}


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Lead, Booking, OutboxMessage))


def sent_email(kind, body):
    """The address a successful request stored, normalised like the service does."""
    if kind == "json":
        value = body.get("email") if isinstance(body, dict) else None
    elif kind == "form":
        value = [v for k, v in body if k == "email"][0]
    else:
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except (EmailNotValidError, AttributeError):
        return None


def check(app, response, before, kind, body, model):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    after = counts(app)
    if response.status_code >= 400:
        assert_localized(response)
        assert after == before, "a refusal stored or queued something"
        return
    succeeded = response.status_code == 303 or (
        response.is_json and response.get_json().get("ok") is True)
    if succeeded and model is Booking:
        assert after[1] == before[1] + 1
    elif succeeded:
        email = sent_email(kind, body)
        if email:
            with app.app_context():
                assert db.session.scalar(select(Lead).where(Lead.email == email)) is not None
    elif response.status_code == 200 and not response.is_json:
        pass  # a page asking to confirm or to correct: nothing stored by it
    if not succeeded:
        assert after == before


def post_fuzzed(app, path, request, accept_json):
    """POST the generated (kind, body) to path with a fresh CSRF token; (counts before, answer)."""
    client = app.test_client()
    token = client.get("/csrf").get_json()["csrf_token"]
    kind, body = request
    before = counts(app)
    return before, client.post(path, **request_kwargs(kind, body, token, accept_json))


@given(request=body_and_headers(EBOOK_FIELDS, GOOD_EBOOK), accept_json=st.booleans())
def test_ebook_signup_survives_anything(app, request, accept_json):
    before, response = post_fuzzed(app, "/ebook", request, accept_json)
    kind, body = request
    check(app, response, before, kind, body, Lead)


@given(request=body_and_headers(["email", "lang"], {"email": "anna@example.com",
                                                     "lang": "en"}),
       accept_json=st.booleans())
def test_resend_survives_anything(app, request, accept_json):
    before, response = post_fuzzed(app, "/ebook/resend", request, accept_json)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert_localized(response)
    with app.app_context():
        # A resend never creates a lead; it may queue a mail for a known address only.
        assert counts(app)[0] == before[0]


@given(request=body_and_headers(BOOKING_FIELDS, GOOD_BOOKING), accept_json=st.booleans())
def test_booking_survives_anything(bapp, request, accept_json):
    before, response = post_fuzzed(bapp, "/booking", request, accept_json)
    kind, body = request
    check(bapp, response, before, kind, body, Booking)


PATHS = ["/booking", "/booking/slots", "/booking/thanks", "/ebook/thanks", "/csrf",
         "/health", "/booking/manage/{}", "/booking/manage/{}/cancel", "/ebook/download/{}",
         "/booking/moved", "/calendar/{}.ics"]
query_names = st.sampled_from(["lang", "from", "to", "page", "next", "q", "tz", "x"])


@given(path=st.sampled_from(PATHS), token=any_text,
       query=st.lists(st.tuples(query_names, any_text), max_size=4))
def test_every_get_survives_any_query(bapp, path, token, query):
    client = bapp.test_client()
    url = path.format(quote_from_bytes(token.encode("utf-8", "surrogatepass")[:300], safe=""))
    before = counts(bapp)
    response = client.get(url, query_string=[
        (k, v.encode("utf-8", "surrogatepass")) for k, v in query])
    assert response.status_code < 500, (url, query, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert_localized(response)
    assert counts(bapp) == before
