"""The form as the built site renders it matches what the service expects and stores."""

import pytest
from bs4 import BeautifulSoup
from forms_helpers import make_app

from forms_service.db import db
from forms_service.ebook.views import consent_text
from forms_service.i18n import translate


def form_of(built_site, path):
    html = (built_site / path / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("form.ebook-form")


@pytest.mark.parametrize("path, lang, privacy", [
    ("e-bok", "sv", "/integritetspolicy/"),
    ("en/ebook", "en", "/en/privacy-policy/"),
])
def test_ebook_page_form(built_site, tmp_path, ebook_source, path, lang, privacy):
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
    app = make_app(tmp_path, ebook_source)
    with app.test_request_context(f"/?lang={lang}"):
        expected = consent_text()
        assert translate("Send me the e-book") == form.button.get_text(strip=True)
    with app.app_context():
        db.engine.dispose()
    shown = " ".join(label.get_text().split())
    assert expected == f"{shown[:-1]} (http://localhost{privacy})."


def test_articles_carry_the_form_too(built_site):
    articles = sorted((built_site / "en" / "articles").glob("*/index.html"))
    assert articles
    for article in articles[:3]:
        html = article.read_text(encoding="utf-8")
        assert 'action="/forms/ebook"' in html and 'value="en"' in html
