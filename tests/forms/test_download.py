"""The signed link: confirms the address and streams the PDF; bad links get a friendly page."""

import time
from pathlib import Path

import pytest
from forms_helpers import SITE
from sqlalchemy import func, select

from forms_service.db import db
from forms_service.desk.privacy import erase_person
from forms_service.models import Lead, OutboxMessage
from forms_service.tokens import download_token


def link_for(app, lead_id, language):
    with app.test_request_context():
        return "/ebook/download/" + download_token(lead_id, language)


def lead_id(app):
    with app.app_context():
        return db.session.scalars(select(Lead.id)).one()


@pytest.mark.parametrize("lang, filename", [("sv", "normkraft-e-bok.pdf"),
                                            ("en", "normkraft-ebook.pdf")])
def test_link_confirms_and_streams_the_pdf_in_the_readers_language(app, signup, lang, filename):
    signup.json(lang=lang)
    response = signup.client.get(link_for(app, lead_id(app), lang))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert filename in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().confirmed_at is not None
    assert response.data == Path(app.config["EBOOK_DIR"], f"{lang}.pdf").read_bytes()
    response.close()


def test_pdfs_live_outside_the_public_site(app):
    assert "output" not in app.config["EBOOK_DIR"]


@pytest.mark.parametrize("lang, heading, text", [
    ("sv", "Länken fungerar inte längre", "Länken till e-boken har gått ut."),
    ("en", "This link no longer works", "The link to the e-book has expired."),
])
def test_expired_link_offers_a_new_one(app, signup, lang, heading, text):
    signup.json(lang=lang)
    link = link_for(app, lead_id(app), lang)
    app.config["LINK_MAX_AGE"] = -1
    response = signup.client.get(link)
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert f'<html lang="{lang}">' in html
    assert heading in html and text in html
    assert 'action="/ebook/resend"' in html and 'name="csrf_token"' in html


@pytest.mark.parametrize("lang, text, ebook_page", [
    ("sv", "Vi har inte längre kvar uppgifterna som länken skickades till", "/e-bok/"),
    ("en", "We no longer have the details this link was sent to", "/en/ebook/"),
])
def test_link_of_an_erased_lead_points_to_the_ebook_page(app, signup, lang, text, ebook_page):
    signup.json(lang=lang)
    link = link_for(app, lead_id(app), lang)
    with app.app_context():
        erase_person("anna@example.com", actor="test")
    response = signup.client.get(link)
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert f'<html lang="{lang}">' in html
    assert text in html
    assert f'href="{SITE}{ebook_page}"' in html
    # Resending only reaches known addresses, so the form would silently do nothing.
    assert "/ebook/resend" not in html and 'name="email"' not in html


def test_forged_link_gets_the_friendly_page(app, client):
    response = client.get("/ebook/download/eyJsZWFkIjoxfQ.forged.signature?lang=en")
    assert response.status_code == 400
    assert "The link to the e-book is not valid." in response.get_data(as_text=True)


def resend(client, email, lang="sv"):
    page = client.get(f"/ebook/download/bad?lang={lang}").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.post("/ebook/resend", data={"email": email, "lang": lang, "csrf_token": token},
                       headers={"Origin": SITE})


def test_resend_answers_the_same_for_known_and_unknown_addresses(app, signup):
    signup.json()
    app.config["DUPLICATE_WINDOW_SECONDS"] = 0
    known = resend(signup.client, "anna@example.com")
    unknown = resend(signup.client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.data == unknown.data
    assert "Om vi känner till adressen är en ny länk på väg." in known.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_resend_with_bad_address_shows_the_error(app, client):
    response = resend(client, "nope", lang="en")
    assert response.status_code == 422
    assert "Please enter a valid e-mail address." in response.get_data(as_text=True)


def test_resend_with_an_expired_session_says_so_and_keeps_the_address(app, client):
    page = client.get("/ebook/download/bad?lang=en").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    client.delete_cookie("session")  # the session holding the token is gone
    response = client.post("/ebook/resend", data={
        "email": "anna@example.com", "lang": "en", "csrf_token": "expired"},
        headers={"Origin": SITE})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your session has expired. Please try again." in html
    assert 'value="anna@example.com"' in html
    fresh = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert fresh and fresh != "expired"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_token_expiry_is_enforced_by_time(app, signup, monkeypatch):
    signup.json()
    link = link_for(app, lead_id(app), "sv")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + app.config["LINK_MAX_AGE"] + 60)
    assert signup.client.get(link).status_code == 410
