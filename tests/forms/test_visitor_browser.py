"""The service's visitor pages in a real browser: cancelling asks first (with and without
JavaScript), and axe finds no violations on them."""

import pytest
from booking_helpers import Visitor, bookings, manage_url
from page_checks import axe_violations
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def book(origin, app, lang):
    """One booking made through the service; returns the address of its meeting page."""
    answer = Visitor(app.test_client()).book(lang=lang, headers={"Origin": origin})
    assert answer.status_code == 200
    return origin + "/forms" + manage_url(app, len(bookings(app)))


@pytest.mark.parametrize("lang, ask, keep, yes", [
    ("sv", "Avboka mötet…", "Nej, behåll mötet", "Ja, avboka mötet"),
    ("en", "Cancel the meeting…", "No, keep the meeting", "Yes, cancel the meeting"),
])
def test_with_javascript_cancelling_asks_in_a_dialog(chromium, live_booking, axe,
                                                     lang, ask, keep, yes):
    origin, app = live_booking
    link = book(origin, app, lang)
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(link)
        assert axe_violations(axe, page) == []
        page.get_by_role("button", name=ask).click()
        dialog = page.locator("#cancel-dialog")
        dialog.wait_for(state="visible")
        assert page.url == link  # asked in the page, nothing posted
        assert page.evaluate("document.activeElement.textContent") == keep
        assert axe_violations(axe, page) == []
        page.keyboard.press("Enter")  # "keep" has the focus
        dialog.wait_for(state="hidden")
        assert page.evaluate("document.activeElement.textContent") == ask
        assert bookings(app)[0].status == "confirmed"
        page.get_by_role("button", name=ask).click()
        page.get_by_role("button", name=yes).click()
        page.wait_for_url(link + f"?lang={lang}")
        assert bookings(app)[0].status == "cancelled"
    finally:
        context.close()


def test_without_javascript_cancelling_asks_on_a_page(chromium, live_booking):
    origin, app = live_booking
    link = book(origin, app, "en")
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(link)
        page.get_by_role("button", name="Cancel the meeting…").click()
        page.wait_for_url(link + "/cancel?lang=en")
        assert page.inner_text("main h2") == "Cancel the meeting?"
        assert bookings(app)[0].status == "confirmed"
        page.get_by_role("link", name="No, keep the meeting").click()
        page.wait_for_url(link + "?lang=en")
        page.get_by_role("button", name="Cancel the meeting…").click()
        page.get_by_role("button", name="Yes, cancel the meeting").click()
        page.wait_for_url(link + "?lang=en")
        assert "This meeting is cancelled." in page.inner_text("main")
        assert bookings(app)[0].status == "cancelled"
    finally:
        context.close()


# axe runs as a script, so the pages that answer a plain POST are reached with JavaScript on
# and the form sent with form.submit(), which skips the page's own submit handlers.

def test_no_axe_violations_on_the_meeting_pages_answering_a_post(chromium, live_booking, axe):
    origin, app = live_booking
    link = book(origin, app, "sv")
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(link)
        page.evaluate("document.querySelector('form[data-ask]').submit()")
        page.wait_for_url(link + "/cancel?lang=sv")
        assert page.inner_text("main h2") == "Vill du avboka mötet?"
        assert axe_violations(axe, page) == []
        page.goto(link)
        # The browser's own check would stop the post; the service must answer too.
        page.evaluate("document.querySelectorAll('[name=start]')"
                      ".forEach(function (input) { input.required = false; })")
        page.get_by_role("button", name="Flytta mötet till den här tiden").click()
        page.wait_for_url(link + "/move?lang=sv")
        # The reason is in view at the top of the answer, and again beside the times.
        expect(page.locator("[role=alert]")).to_be_in_viewport()
        expect(page.locator("#booking-start-error")).to_be_in_viewport()
        assert page.inner_text("[role=alert]").startswith("Du valde ingen ny tid.")
        assert page.inner_text("#booking-start-error") == "Välj en tid."
        assert axe_violations(axe, page) == []
        page.goto(origin + "/e-bok/")
        page.fill("#ebook-name", "Bo Berg")
        page.fill("#ebook-email", "bo@example.com")
        page.check("#ebook-consent")
        page.evaluate("document.querySelector('form.ebook-form').submit()")
        page.wait_for_url(origin + "/forms/ebook")
        assert page.locator("nav.language-switcher a").count() == 2
        assert axe_violations(axe, page) == []
        assert bookings(app)[0].status == "confirmed"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/forms/booking?lang=sv", "/forms/booking/thanks?lang=en",
                                  "/forms/ebook/thanks?lang=sv&page={origin}/e-bok/",
                                  "/forms/booking/manage/nonsense?lang=en"])
def test_no_axe_violations_on_the_other_service_pages(chromium, live_booking, axe, path):
    origin, _ = live_booking
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(origin + path.format(origin=origin))
        assert page.locator("footer.site-footer").count() == 1
        assert axe_violations(axe, page) == []
    finally:
        context.close()
