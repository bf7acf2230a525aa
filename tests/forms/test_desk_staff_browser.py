"""The desk's form for booking a meeting for a caller, in Chromium: filled and sent with no
JavaScript of ours, errors named next to their fields, and axe finds no violations."""

import threading

import pytest
from booking_helpers import booking_app, bookings
from desk_helpers import add_staff, browser_log_in
from page_checks import axe_violations
from werkzeug.serving import make_server

from forms_service.db import db

pytestmark = pytest.mark.browser
NEW_TIME = "2026-03-31T09:00:00+02:00"


@pytest.fixture
def desk_page(chromium, tmp_path, ebook_source):
    """A logged-in desk page on a booking service with a fixed clock; (origin, page, app)."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start),
                         threaded=True)
    origin = f"http://127.0.0.1:{server.server_port}"
    app = holder["app"] = booking_app(tmp_path, ebook_source, SITE_URL=origin)
    add_staff(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = chromium.new_context()
    page = context.new_page()
    browser_log_in(page, origin)
    yield origin, page, app
    context.close()
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


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
