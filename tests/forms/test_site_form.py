"""The form as the built site renders it matches what the service expects and stores."""

import sys

import pytest
from bs4 import BeautifulSoup
from flask_babel import gettext
from site_helpers import build_fixture

from forms_service import create_app
from forms_service.ebook.views import consent_text
from forms_service.i18n import current_language
from forms_service.responses import failure_message


def form_of(built_site, path):
    html = (built_site / path / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("form.ebook-form")


@pytest.mark.parametrize("path, lang, privacy", [
    ("e-bok", "sv", "/integritetspolicy/"),
    ("en/ebook", "en", "/en/privacy-policy/"),
])
def test_ebook_page_form(built_site, path, lang, privacy, build_app):
    form = form_of(built_site, path)
    assert form["method"] == "post" and form["action"] == "/forms/ebook"
    assert form.select_one("input[name=lang]")["value"] == lang
    for name in ("name", "email"):
        field = form.select_one(f"#ebook-{name}")
        assert form.select_one(f"label[for=ebook-{name}]").get_text(strip=True)
        assert field.has_attr("required") and field["name"] == name
    assert form.select_one("#ebook-website")["tabindex"] == "-1"
    assert form.select_one("#ebook-message")["aria-live"] == "polite"
    label = form.select_one("label[for=ebook-consent]")
    assert label.a["href"] == privacy
    # The stored consent text is the text the reader saw.
    app = build_app()
    with app.test_request_context(f"/?lang={lang}"):
        expected = consent_text()
        assert gettext("Send me the e-book") == form.button.get_text(strip=True)
    shown = " ".join(label.get_text().split())
    assert expected == f"{shown[:-1]} (http://localhost{privacy})."


def test_articles_carry_the_form_too(built_site):
    articles = sorted((built_site / "en" / "articles").glob("*/index.html"))
    assert articles
    for article in articles[:3]:
        html = article.read_text(encoding="utf-8")
        assert 'action="/forms/ebook"' in html and 'value="en"' in html


def test_one_variable_sets_the_support_address_of_site_and_service(
        tmp_path, ebook_source, monkeypatch, closing):
    """FORMS_SUPPORT_EMAIL reaches the forms' fallback message (data-error-message, shown by
    the site's JavaScript) and the service's own error answers alike, in every language."""
    address = "hjalp@example.org"
    monkeypatch.setenv("FORMS_SUPPORT_EMAIL", address)
    # Pelican executes pelicanconf.py (reading the variable) and leaves the module in
    # sys.modules, where publishconf.py's `from pelicanconf import *` would find this
    # test's address; put back whatever was there before.
    monkeypatch.setitem(sys.modules, "pelicanconf", sys.modules.get("pelicanconf"))
    site = build_fixture(tmp_path / "site")
    shown = []
    for path in sorted(site.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for form in page.select("form[data-error-message]"):
            lang = form.select_one("input[name=lang]")["value"]
            shown.append((path.relative_to(site), lang, form["class"][0],
                          form["data-error-message"]))
    assert {form for _, _, form, _ in shown} == {"ebook-form", "booking-form"}
    assert {lang for _, lang, _, _ in shown} == {"sv", "en"}
    # The service reads the same variable: built from the environment, as in production.
    for name, value in {"FORMS_INSTANCE_PATH": tmp_path / "instance", "FORMS_AUTO_MIGRATE": "false",
                        "FORMS_EBOOK_SOURCE_DIR": ebook_source, "FORMS_OUTBOX_THREAD": "false",
                        "FORMS_DATABASE_URL": f"sqlite:///{tmp_path / 'forms.sqlite3'}"}.items():
        monkeypatch.setenv(name, str(value))
    app = closing(create_app())
    for path, lang, _, message in shown:
        assert address in message, path
        with app.test_request_context(f"/?lang={lang}"):
            assert current_language() == lang
            assert message == failure_message(), path
