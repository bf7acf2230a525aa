"""The signup in a real browser: with JavaScript (sv, en), without it, errors, keyboard only."""

from urllib.parse import parse_qs, urlsplit

import pytest
from forms_helpers import tab_to
from sqlalchemy import select

from forms_service.db import db
from forms_service.models import Lead

pytestmark = pytest.mark.browser

OK = {"sv": "Tack! Nu får du snart ett mejl från oss!",
      "en": "Thank you! You will soon get an e-mail from us!"}
PAGES = {"sv": "/e-bok/", "en": "/en/ebook/"}


def leads(app):
    with app.app_context():
        return db.session.scalars(select(Lead)).all()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_javascript_path_shows_the_message_inline(page, live_site, lang):
    origin, app = live_site
    page.goto(origin + PAGES[lang] + "?utm_source=test")
    page.fill("#ebook-name", "Åsa Öberg")
    page.fill("#ebook-email", f"asa.{lang}@example.com")
    page.check("#ebook-consent")
    page.wait_for_timeout(400)  # a person takes longer than the minimum fill time
    page.click("form.ebook-form button[type=submit]")
    message = page.locator("#ebook-message")
    message.filter(has_text=OK[lang]).wait_for(timeout=10000)
    assert page.url == origin + PAGES[lang] + "?utm_source=test"  # no page change
    (lead,) = leads(app)
    assert (lead.name, lead.language, lead.utm_source) == ("Åsa Öberg", lang, "test")
    assert lead.page_url == origin + PAGES[lang] + "?utm_source=test"


def test_errors_show_next_to_fields_and_focus_moves_to_the_first(page, live_site):
    origin, app = live_site
    page.goto(origin + PAGES["en"])
    page.fill("#ebook-name", "Bo")
    page.fill("#ebook-email", "bo@")
    page.wait_for_timeout(400)
    page.click("form.ebook-form button[type=submit]")
    page.locator("#ebook-message").filter(has_text="Please correct the marked fields.").wait_for()
    assert page.locator("#ebook-email-error").inner_text() == "Please enter a valid e-mail address."
    assert page.locator("#ebook-consent-error").inner_text() == (
        "Please accept the privacy policy to get the e-book.")
    assert page.locator("#ebook-name-error").is_hidden()
    assert page.get_attribute("#ebook-email", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "ebook-email"
    assert leads(app) == []


def test_keyboard_only(page, live_site):
    origin, app = live_site
    page.goto(origin + PAGES["sv"])
    tab_to(page, "ebook-name", "the name field")
    # Type at a human pace: a form filled faster than MIN_FILL_SECONDS counts as a bot.
    page.keyboard.type("Karin Lind", delay=40)
    page.keyboard.press("Tab")
    page.keyboard.type("karin@example.com", delay=40)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "ebook-consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the privacy policy link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.locator("#ebook-message").filter(has_text=OK["sv"]).wait_for()
    assert page.evaluate("document.activeElement.id") == "ebook-message"
    assert [lead.email for lead in leads(app)] == ["karin@example.com"]


@pytest.fixture
def no_js_page(chromium, live_site):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_without_javascript_confirm_then_thank_you_page(no_js_page, live_site):
    page = no_js_page
    origin, app = live_site
    page.goto(origin + PAGES["en"])
    page.fill("#ebook-name", "Bo Berg")
    page.fill("#ebook-email", "bo@example.com")
    page.check("#ebook-consent")
    page.click("form.ebook-form button[type=submit]")
    # The static page has no token: a confirmation page keeps the values.
    page.wait_for_url(origin + "/forms/ebook")
    # In the site's frame: menu, language switch (to the site's e-book pages) and footer.
    assert page.get_attribute(".main-nav a >> text=Free e-book", "href") == origin + PAGES["en"]
    assert page.get_attribute(".language-switcher a[lang=sv]", "href") == origin + PAGES["sv"]
    assert page.get_attribute(".language-switcher a[aria-current]", "lang") == "en"
    assert "support@normkraft.se" in page.inner_text("footer.site-footer")
    assert page.input_value("#ebook-name") == "Bo Berg"
    assert page.input_value("#ebook-email") == "bo@example.com"
    assert page.is_checked("#ebook-consent")
    assert leads(app) == []
    page.wait_for_timeout(400)
    page.click("form.ebook-form button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(origin + "/forms/ebook/thanks?") and parse_qs(
        urlsplit(url).query) == {"lang": ["en"], "page": [origin + PAGES["en"]]})
    assert OK["en"] in page.inner_text("main")
    # Back to the page the form was filled on, not to the home page.
    page.click("text=Back to the page you were reading")
    page.wait_for_url(origin + PAGES["en"])
    assert page.get_attribute("html", "lang") == "en"
    (lead,) = leads(app)
    assert (lead.email, lead.page_url) == ("bo@example.com", origin + PAGES["en"])


def test_without_javascript_errors_are_shown_with_values_kept(no_js_page, live_site):
    page = no_js_page
    origin, app = live_site
    page.goto(origin + PAGES["sv"])
    page.fill("#ebook-name", "Bo Berg")
    page.fill("#ebook-email", "bo@example.com")
    page.check("#ebook-consent")
    page.click("form.ebook-form button[type=submit]")
    page.wait_for_url(origin + "/forms/ebook")
    page.fill("#ebook-email", "bo@")
    page.wait_for_timeout(400)
    # Skip the browser's own check to see the service's answer.
    page.locator("form.ebook-form").evaluate("f => f.setAttribute('novalidate', '')")
    page.click("form.ebook-form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#ebook-email-error") == "Ange en giltig e-postadress."
    assert page.input_value("#ebook-name") == "Bo Berg"
    assert leads(app) == []
