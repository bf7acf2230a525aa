"""Booking in a real browser: the JavaScript widget (sv, en), the plain form, keyboard only."""

from zoneinfo import ZoneInfo

import pytest
from booking_helpers import Visitor, bookings
from forms_helpers import tab_to

from forms_service.booking.display import as_utc, when

pytestmark = pytest.mark.browser

PAGES = {"sv": "/boka-mote/", "en": "/en/book-a-meeting/"}
OK = {"sv": "Tack! Vi hör av oss snart!", "en": "Thank you! You will hear from us soon!"}
MEETING = {"sv": "Ditt möte:", "en": "Your meeting:"}
TAKEN = {"sv": "Den tiden blev precis bokad. Välj en annan.",
         "en": "That time was just taken. Please pick another."}


def new_page(chromium, **options):
    context = chromium.new_context(**options)
    return context, context.new_page()


@pytest.mark.parametrize("lang, zone, times", [
    ("sv", "Europe/Stockholm", "09:00–09:45"),
    ("en", "America/New_York", "03:00–03:45"),
])
def test_pick_a_day_and_a_time_and_book_inline(chromium, live_booking, lang, zone, times):
    origin, app = live_booking
    context, page = new_page(chromium, timezone_id=zone)
    try:
        page.goto(origin + PAGES[lang])
        assert page.is_hidden("#booking-nojs")
        assert page.inner_text("[data-booking-zone]") == zone
        page.wait_for_selector("#booking-day option[value='2026-03-30']", state="attached")
        page.select_option("#booking-day", "2026-03-30")
        first = page.locator("[data-booking-times] label").first
        assert first.inner_text().strip() == times
        first.locator("input").check()
        page.fill("#booking-name", "Åsa Öberg")
        page.fill("#booking-email", f"asa.{lang}@example.com")
        page.fill("#booking-company", "Öberg AB")
        page.fill("#booking-phone", "070-123 45 67")
        page.check("#booking-topic-iso14001")
        page.fill("#booking-message", "Miljö först.")
        page.check("#booking-consent")
        page.wait_for_timeout(400)
        page.click("form.booking-form button[type=submit]")
        page.locator("#booking-status").filter(has_text=OK[lang]).wait_for(timeout=10000)
        assert page.url == origin + PAGES[lang]
        (booking,) = bookings(app)
        # The answer repeats the booked time in the visitor's zone, as the mail does.
        with app.app_context():
            booked = when(as_utc(booking.starts_at), as_utc(booking.ends_at), lang,
                          ZoneInfo(zone))
        # The page writes the day in the site's own date style (British English on /en/).
        status = page.inner_text("#booking-status")
        assert status.startswith(f"{OK[lang]} {MEETING[lang]} ") and "30" in status
        assert status.endswith(f"{times} ({zone}).") and times in booked
        assert (booking.language, booking.time_zone, booking.topics) == (lang, zone, "iso14001")
        assert booking.phone == "+46701234567"
        # The booked time is gone from the list.
        page.select_option("#booking-day", "2026-03-30")
        assert times not in page.inner_text("[data-booking-times]")
    finally:
        context.close()


def test_errors_and_a_lost_race_are_shown_inline(chromium, live_booking):
    origin, app = live_booking
    context, page = new_page(chromium, timezone_id="Europe/Stockholm")
    try:
        page.goto(origin + PAGES["en"])
        page.wait_for_selector("#booking-day option[value='2026-03-30']", state="attached")
        page.select_option("#booking-day", "2026-03-30")
        page.locator("[data-booking-times] input").first.check()
        page.fill("#booking-name", "Bo Berg")
        page.fill("#booking-email", "bo@")
        page.wait_for_timeout(400)
        page.click("form.booking-form button[type=submit]")
        page.locator("#booking-status").filter(
            has_text="Please correct the marked fields.").wait_for()
        assert page.inner_text("#booking-email-error") == "Please enter a valid e-mail address."
        assert page.inner_text("#booking-company-error") == "Please enter your company."
        assert page.evaluate("document.activeElement.id") == "booking-email"
        # Someone else books 09:00 meanwhile.
        first = Visitor(app.test_client()).book(
            email="first@example.com", start="2026-03-30T09:00:00+02:00",
            headers={"Origin": origin})
        assert first.status_code == 200
        page.fill("#booking-email", "bo@example.com")
        page.fill("#booking-company", "Berg AB")
        page.check("#booking-consent")
        page.click("form.booking-form button[type=submit]")
        page.locator("#booking-status").filter(has_text=TAKEN["en"]).wait_for()
        assert page.inner_text("#booking-start-error") == TAKEN["en"]
        page.wait_for_function(
            "!document.querySelector('[data-booking-times]').textContent.includes('09:00')")
        assert len(bookings(app)) == 1
    finally:
        context.close()


def test_keyboard_only(chromium, live_booking):
    origin, app = live_booking
    context, page = new_page(chromium, timezone_id="Europe/Stockholm")
    try:
        page.goto(origin + PAGES["sv"])
        page.wait_for_selector("#booking-day option[value='2026-03-30']", state="attached")
        tab_to(page, "booking-day", "the day list")
        page.keyboard.press("ArrowDown")  # the second day: Tuesday 24 March
        assert page.input_value("#booking-day") == "2026-03-24"
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.name") == "start"
        page.keyboard.press("Tab")
        page.keyboard.type("Karin Lind")
        page.keyboard.press("Tab")
        page.keyboard.type("karin@example.com")
        page.keyboard.press("Tab")
        page.keyboard.type("Lind AB")
        page.keyboard.press("Tab")  # phone, optional
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "booking-topic-iso9001"
        page.keyboard.press("Space")
        for _ in range(6):  # the other five standards, then the message
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "booking-message"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "booking-consent"
        page.keyboard.press("Space")
        page.keyboard.press("Tab")  # the privacy policy link
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.type") == "submit"
        # The keys above go in at machine speed; a person takes longer than the minimum fill
        # time, counted from the first key in the form (else the booking asks to confirm).
        page.wait_for_timeout(400)
        page.keyboard.press("Enter")
        page.locator("#booking-status").filter(has_text=OK["sv"]).wait_for()
        assert page.evaluate("document.activeElement.id") == "booking-status"
        (booking,) = bookings(app)
        assert (booking.email, booking.topics) == ("karin@example.com", "iso9001")
        assert booking.starts_at.isoformat() == "2026-03-24T08:00:00"
    finally:
        context.close()


@pytest.mark.parametrize("lang, heading, thanks", [
    ("sv", "Boka möte", OK["sv"]), ("en", "Book a meeting", OK["en"]),
])
def test_without_javascript_the_service_form_books_with_redirect(chromium, live_booking, lang,
                                                                 heading, thanks):
    origin, app = live_booking
    context, page = new_page(chromium, java_script_enabled=False)
    try:
        page.goto(origin + PAGES[lang])
        assert page.is_hidden("form.booking-form")
        page.click("#booking-nojs a")
        page.wait_for_url(origin + f"/forms/booking?lang={lang}")
        assert page.inner_text("h1") == heading
        assert page.get_attribute("html", "lang") == lang
        page.check("input[name=start][value='2026-03-30T10:00:00+02:00']")
        page.fill("#ebook-name", "Bo Berg")
        page.fill("#ebook-email", "bo@example.com")
        page.fill("#ebook-company", "Berg AB")
        page.check("input[name=topic][value=other]")
        page.check("#ebook-consent")
        page.wait_for_timeout(400)
        page.click("form.booking-form button[type=submit]")
        page.wait_for_url(origin + f"/forms/booking/thanks?lang={lang}")
        assert thanks in page.inner_text("main")
        (booking,) = bookings(app)
        assert (booking.language, booking.topics, booking.starts_at.hour) == (lang, "other", 8)
    finally:
        context.close()
