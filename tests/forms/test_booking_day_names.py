"""The booking widget writes its days the way each language writes dates (British English)."""

import pytest
from booking_helpers import booking_app
from forms_helpers import serve_site_with_forms

pytestmark = pytest.mark.browser


@pytest.fixture
def live(built_site, tmp_path, ebook_source):
    """The built site and the booking service (fixed clock) on one port."""
    yield from serve_site_with_forms(
        built_site,
        lambda origin: booking_app(tmp_path, ebook_source, SITE_URL=origin),
    )


@pytest.mark.parametrize(
    ("path", "label"),
    [("/boka-mote/", "måndag 30 mars"), ("/en/book-a-meeting/", "Monday 30 March")],
)
def test_days_are_named_in_the_order_of_the_language(chromium, live, path, label):
    origin, _ = live
    context = chromium.new_context(timezone_id="Europe/Stockholm")
    try:
        page = context.new_page()
        page.goto(origin + path)
        day = page.locator("#booking-day option[value='2026-03-30']")
        day.wait_for(state="attached")
        assert day.inner_text() == label
    finally:
        context.close()
