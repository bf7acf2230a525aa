"""POST /ebook on both paths: JSON for forms.js, pages without JavaScript."""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import itsdangerous
import pytest
from forms_helpers import SITE, pending_mail
from sqlalchemy import func, select

from forms_service.bot_signals import BotRefusal
from forms_service.db import db
from forms_service.models import Consent, Lead, OutboxMessage

OK_SV = "Tack! Nu får du snart ett mejl från oss!"
OK_EN = "Thank you! You will soon get an e-mail from us!"
FAIL_SV = "Oj! Något gick fel. Hör av dig till support@normkraft.se"


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_json_signup_stores_lead_consent_and_mail(app, signup):
    response = signup.json(
        email="Anna@Example.COM",
        page_url=SITE + "/artiklar/iso-9001/?utm_source=news&utm_campaign=vinter",
        referrer="https://www.google.com/",
    )
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "message": OK_SV, "errors": {}}
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert (lead.email, lead.name, lead.language) == (
            "anna@example.com", "Anna Andersson", "sv")
        assert lead.page_url == SITE + "/artiklar/iso-9001/?utm_source=news&utm_campaign=vinter"
        assert (lead.utm_source, lead.utm_campaign, lead.utm_medium) == ("news", "vinter", None)
        assert lead.referrer == "https://www.google.com/"
        assert lead.confirmed_at is None
        consent = db.session.scalars(select(Consent)).one()
        assert (consent.version, consent.lead_id) == ("2026-11-01", lead.id)
        assert consent.text == (
            "Jag godkänner att Normkraft sparar mitt namn och min e-postadress för att skicka "
            "e-boken till mig, så som det beskrivs i integritetspolicyn "
            f"({SITE}/integritetspolicy/).")
        outbox = db.session.scalars(select(OutboxMessage)).one()
        assert (outbox.status, outbox.language, outbox.lead_id) == ("pending", "sv", lead.id)
        assert (outbox.kind, outbox.attempts, outbox.booking_id) == ("ebook", 0, None)


def test_english_signup_answers_in_english(app, signup):
    response = signup.json(lang="en")
    assert response.get_json()["message"] == OK_EN
    with app.app_context():
        consent = db.session.scalars(select(Consent)).one()
    assert consent.text.endswith(f"as described in the privacy policy ({SITE}/en/privacy-policy/).")


def test_unknown_language_falls_back_to_swedish(app, signup):
    assert signup.json(lang="xx").get_json()["message"] == OK_SV


@pytest.mark.parametrize("fields, lang, errors", [
    ({"name": ""}, "sv", {"name": ["Fyll i ditt namn."]}),
    ({"name": "x" * 101}, "sv", {"name": ["Använd högst 100 tecken."]}),
    ({"email": ""}, "sv", {"email": ["Fyll i din e-postadress."]}),
    ({"email": "anna@"}, "sv", {"email": ["Ange en giltig e-postadress."]}),
    ({"email": "a" * 250 + "@example.com"}, "sv", {"email": ["Använd högst 254 tecken."]}),
    ({"consent": None}, "sv", {"consent": ["Godkänn integritetspolicyn för att få e-boken."]}),
    ({"email": "no at sign"}, "en", {"email": ["Please enter a valid e-mail address."]}),
    ({"name": " ", "consent": None}, "en", {
        "name": ["Please enter your name."],
        "consent": ["Please accept the privacy policy to get the e-book."]}),
])
def test_bad_input_is_422_with_messages(app, signup, fields, lang, errors):
    response = signup.json(lang=lang, **fields)
    assert response.status_code == 422
    body = response.get_json()
    assert body["ok"] is False
    assert body["errors"] == errors
    assert body["message"] == {"sv": "Rätta de markerade fälten.",
                               "en": "Please correct the marked fields."}[lang]
    assert count(app, Lead) == 0


def test_missing_token_json_is_400(app, signup):
    response = signup.json(with_token=False)
    assert response.status_code == 400
    assert response.get_json() == {
        "ok": False, "message": "Din session har gått ut. Försök igen.", "errors": {}}
    assert count(app, Lead) == 0


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": None, "Referer": "https://evil.example/page"},
    {"Origin": None},
])
def test_foreign_origin_is_refused(app, signup, headers):
    sent = {k: v for k, v in headers.items() if v}
    if headers.get("Origin", "") is None:
        signup.client.environ_base.pop("HTTP_ORIGIN", None)
    response = signup.client.post(
        "/ebook", data={"name": "A", "email": "a@example.com", "consent": "y", "elapsed": "5000",
                        "csrf_token": signup.token()},
        headers={"Accept": "application/json", **sent})
    assert response.status_code == 400
    assert response.get_json()["message"] == FAIL_SV
    assert count(app, Lead) == 0


@pytest.mark.parametrize(("fields", "signals"), [
    ({"website": "http://spam.example"}, "honeypot"),  # autofill can fill it too
    ({"elapsed": "300"}, "fast"),  # autofill and a quick click
    ({"elapsed": None}, "no-timing"),
    ({"elapsed": "300", "website": "Anna"}, "honeypot,fast"),
])
def test_a_suspicious_signup_is_stored_flagged_and_mailed(app, signup, fields, signals):
    # Double opt-in is the gate: only the address's owner can confirm, so nothing a
    # person could have sent is dropped behind a fake "thank you".
    response = signup.json(**fields)
    assert response.status_code == 200
    assert response.get_json()["message"] == OK_SV
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert lead.bot_signals == signals
    assert count(app, OutboxMessage) == 1


def test_an_unflagged_signup_has_no_signals(app, signup):
    signup.json()
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().bot_signals is None


@pytest.mark.parametrize("elapsed", ["soon", "nan", "NaN", "inf", "-Infinity", "-5", "1e30",
                                     "99999999999999999999"])
def test_an_elapsed_that_is_no_finite_number_is_refused(app, signup, elapsed):
    response = signup.json(elapsed=elapsed)
    assert response.status_code == 422
    body = response.get_json()
    assert body["ok"] is False and "millisekunder" in body["message"]
    assert "elapsed" in body["errors"]
    assert count(app, Lead) == 0
    assert count(app, OutboxMessage) == 0


def test_a_script_that_never_ran_the_page_is_refused_logged_and_counted(app, signup, caplog):
    # The honeypot filled, and neither the script's timing nor a page we drew: no person.
    for _ in range(2):
        response = signup.json(website="http://spam.example", elapsed=None)
        assert response.status_code == 422
        assert response.get_json()["message"] == (
            "Vi kunde inte ta emot formuläret. Ladda om sidan och försök igen.")
    assert count(app, Lead) == 0
    assert count(app, OutboxMessage) == 0
    assert "refused as automated: honeypot-without-page" in caplog.text
    with app.app_context():
        refusal = db.session.scalars(select(BotRefusal)).one()
    assert (refusal.form, refusal.reason, refusal.count) == ("ebook", "honeypot-without-page", 2)


def test_known_address_gets_the_same_answer_and_no_second_lead(app, signup):
    first = signup.json()
    app.config["DUPLICATE_WINDOW_SECONDS"] = 0
    second = signup.json(name="Someone Else", email="ANNA@example.com")
    assert first.get_json() == second.get_json()
    assert first.status_code == second.status_code == 200
    assert count(app, Lead) == 1
    assert count(app, Consent) == 2
    assert count(app, OutboxMessage) == 2  # a repeat request gets a new link
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().name == "Anna Andersson"


def test_double_submit_makes_one_lead_and_one_mail(app, signup):
    responses = [signup.json() for _ in range(3)]
    assert {r.status_code for r in responses} == {200}
    assert count(app, Lead) == 1
    assert count(app, OutboxMessage) == 1


def test_oversized_request_is_413(app, signup):
    response = signup.json(name="x" * 20000)
    assert response.status_code == 413
    assert response.get_json()["message"] == FAIL_SV


def test_user_input_stays_out_of_mail_headers(app, signup):
    signup.json(name="Eve\r\nBcc: victim@example.com", email="eve@example.com")
    with app.app_context():
        from forms_service.ebook.mails import build_ebook_mail

        lead = db.session.scalars(select(Lead)).one()
        with app.test_request_context():
            msg = build_ebook_mail(lead, "sv", "http://localhost/x")
    assert msg["Bcc"] is None
    assert msg["To"] == "eve@example.com"
    assert "Eve" not in str(msg["To"]) + str(msg["From"]) + str(msg["Subject"])


# Without JavaScript ---------------------------------------------------------------------------

def form_post(client, **fields):
    data = {"name": "Bo Berg", "email": "bo@example.com", "consent": "y", "lang": "en"}
    data.update({k: v for k, v in fields.items() if v is not None})
    return client.post("/ebook", data=data, headers={
        "Origin": SITE, "Referer": SITE + "/en/ebook/?utm_source=ad",
        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})


def hidden(html, name):
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"|'
                     rf'type="hidden" name="{name}" value="([^"]*)"', html).group(1, 2)


def test_plain_post_without_token_gets_a_confirmation_page(app, client):
    response = form_post(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please check your details and confirm to get the e-book." in html
    assert 'value="Bo Berg"' in html and 'value="bo@example.com"' in html
    assert re.search(r'id="ebook-consent" name="consent" type="checkbox" value="y" '
                     r'required checked', html)
    assert 'name="csrf_token"' in html
    assert f'name="page_url" value="{SITE}/en/ebook/?utm_source=ad"' in html
    assert count(app, Lead) == 0


def hidden_fields(page):
    """The hidden fields a browser sends back from a confirmation or error page."""
    html = page.get_data(as_text=True)
    fields = dict(re.findall(
        r'name="(csrf_token|ts|page_url|lang)" type="hidden" value="([^"]*)"', html))
    fields.update(dict(re.findall(
        r'type="hidden" name="(csrf_token|ts|page_url|lang)" value="([^"]*)"', html)))
    return fields


def confirm(app, client, first, **changes):
    app.config["MIN_FILL_SECONDS"] = 0
    return form_post(client, **{**hidden_fields(first), **changes})


def test_confirming_redirects_to_a_localized_thank_you_page(app, client):
    response = confirm(app, client, form_post(client))
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/ebook/thanks"
    assert parse_qs(location.query) == {"lang": ["en"],
                                        "page": [SITE + "/en/ebook/?utm_source=ad"]}
    thanks = client.get(response.headers["Location"])
    page = thanks.get_data(as_text=True)
    assert '<html lang="en">' in page and OK_EN in page
    # The way back leads to the page the form was filled on, not to the home page.
    back = unescape(re.search(r'<a href="([^"]+)">Back to the page you were reading</a>',
                                   page).group(1))
    assert back == SITE + "/en/ebook/?utm_source=ad"
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
    assert (lead.email, lead.language, lead.utm_source) == ("bo@example.com", "en", "ad")
    assert lead.page_url == SITE + "/en/ebook/?utm_source=ad"


def test_plain_post_with_errors_shows_them_next_to_fields_with_values_kept(app, client):
    response = confirm(app, client, form_post(client), email="bo@", lang="sv")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Bo Berg"' in html and 'value="bo@"' in html
    assert 'aria-invalid="true" aria-describedby="ebook-email-error"' in html
    assert ('<span class="field-error" id="ebook-email-error">'
            'Ange en giltig e-postadress.</span>') in html
    assert count(app, Lead) == 0


def test_a_plain_form_confirmed_at_once_is_stored_and_flagged_fast(app, client):
    # A script reposting the confirmation page at once, or a very quick person: the
    # confirmation mail decides, so the signup is kept, with the reason it looked odd.
    app.config.update(MIN_FILL_SECONDS=2.0, MIN_CONFIRM_SECONDS=0.5)
    response = form_post(client, **hidden_fields(form_post(client)))
    assert response.status_code == 303
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
        assert lead.bot_signals == "fast"
    assert count(app, OutboxMessage) == 1


def test_a_reader_confirming_within_a_second_is_stored(app, client):
    # The reader typed everything on the site: on the confirmation page a click is enough,
    # well under the time it takes to fill in the form.
    app.config.update(MIN_FILL_SECONDS=2.0, MIN_CONFIRM_SECONDS=0.5)
    first = form_post(client)
    time.sleep(0.6)
    response = form_post(client, **hidden_fields(first))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().bot_signals is None


def signed_two_hours_ago(monkeypatch):
    """Make itsdangerous date the next signatures two hours back (CSRF tokens live one)."""
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) - 7200)


def test_an_expired_token_gets_the_confirmation_page_with_values_kept(app, client, monkeypatch):
    signed_two_hours_ago(monkeypatch)
    old_token = client.get("/csrf").get_json()["csrf_token"]
    monkeypatch.undo()
    response = form_post(client, csrf_token=old_token, name="Bo Berg", email="bo@example.com")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please check your details and confirm to get the e-book." in html
    assert 'value="Bo Berg"' in html and 'value="bo@example.com"' in html
    assert hidden_fields(response)["csrf_token"] != old_token
    assert count(app, Lead) == 0
    assert confirm(app, client, response).status_code == 303
    assert count(app, Lead) == 1


def test_an_expired_token_json_is_400(app, signup, monkeypatch):
    signed_two_hours_ago(monkeypatch)
    old_token = signup.token()
    monkeypatch.undo()
    response = signup.json(with_token=False, headers={"X-CSRFToken": old_token})
    assert response.status_code == 400
    assert response.get_json()["message"] == "Din session har gått ut. Försök igen."
    assert count(app, Lead) == 0


def test_mail_goes_out_in_the_readers_language(app, signup):
    signup.json(lang="en", email="en@example.com")
    assert pending_mail(app) == (1, 0)
    mail_dir = app.instance_path + "/mail"
    import pathlib

    (eml,) = pathlib.Path(mail_dir).glob("*.eml")
    text = eml.read_text()
    assert "Subject: Your e-book from Normkraft" in text
    assert "To: en@example.com" in text
    assert "http://localhost/forms/ebook/download/" in text


def test_a_failed_write_is_never_answered_as_a_known_address(app, signup):
    # A constraint other than the unique address fails (here: no consent version).
    # That is not a double submit: the reader must hear it failed, and nothing is kept.
    app.config["CONSENT_VERSION"] = None
    response = signup.json(email="new@example.com")
    assert response.status_code == 500
    assert response.get_json() == {"ok": False, "message": FAIL_SV, "errors": {}}
    assert count(app, Lead) == 0
    assert count(app, Consent) == 0
    assert count(app, OutboxMessage) == 0
