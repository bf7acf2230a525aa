"""The desk's form for booking a meeting for a caller, in Chromium: filled and sent with no
JavaScript of ours, errors named next to their fields, and axe finds no violations."""

import pytest
from booking_helpers import booking_app, bookings
from desk_helpers import add_staff
from forms_helpers import serve_forms
from page_checks import axe_violations

pytestmark = pytest.mark.browser
NEW_TIME = "2026-03-31T09:00:00+02:00"


@pytest.fixture
def booking_desk(tmp_path, ebook_source):
    """The booking service (fixed clock) with a staff user, on a loopback port; (origin, app)."""
    def staffed(origin):
        app = booking_app(tmp_path, ebook_source, SITE_URL=origin)
        add_staff(app)
        return app

    yield from serve_forms(staffed)


@pytest.fixture
def desk_page(booking_desk, logged_in_page):
    """A logged-in desk page on the booking service; (origin, page, app)."""
    origin, app = booking_desk
    return origin, logged_in_page(origin), app


@pytest.mark.parametrize("lang, flash, email_error", [
    ("sv", "Mötet är bokat. Den som ringde får inbjudan via e-post.",
     "Ange en giltig e-postadress."),
    ("en", "The meeting is booked. The caller gets the invitation by e-mail.",
     "Please enter a valid e-mail address."),
])
def test_staff_book_for_a_caller_in_the_browser(desk_page, axe, lang, flash, email_error):
    origin, page, app = desk_page
    page.goto(f"{origin}/admin/bookings?lang={lang}")
    page.click("a[href$='/admin/bookings/new']")
    page.wait_for_url("**/admin/bookings/new")
    assert axe_violations(axe, page) == []
    page.fill("#caller-name", "Björn Åberg")
    page.fill("#caller-email", "bjorn@")
    page.fill("#caller-phone", "070-123 45 67")
    page.select_option("#caller-language", "en")
    page.select_option("#caller-consultant", "alva")
    page.check(f"input[name=start][value='{NEW_TIME}']")
    page.check("input[name=agreed]")
    page.click("form.desk-caller button[type=submit]")
    # The error sits by its field and is tied to it; what was typed is kept.
    error = page.locator("#caller-email-error")
    assert error.inner_text() == email_error
    assert page.get_attribute("#caller-email", "aria-describedby") == "caller-email-error"
    assert page.input_value("#caller-name") == "Björn Åberg"
    assert page.is_checked(f"input[name=start][value='{NEW_TIME}']")
    assert axe_violations(axe, page) == []
    assert bookings(app) == []
    page.fill("#caller-email", "bjorn@example.com")
    page.click("form.desk-caller button[type=submit]")
    page.wait_for_url("**/admin/bookings/1")
    assert page.locator(".desk-notice").inner_text() == flash
    (booking,) = bookings(app)
    assert (booking.email, booking.consultant, booking.phone) == (
        "bjorn@example.com", "alva", "+46701234567")
    assert page.locator(".desk-history li").count() == 1
    assert axe_violations(axe, page) == []
