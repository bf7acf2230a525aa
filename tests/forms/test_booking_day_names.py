"""The booking widget writes its days the way each language writes dates (British English)."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "label"),
    [("/boka-mote/", "måndag 30 mars"), ("/en/book-a-meeting/", "Monday 30 March")],
)
def test_days_are_named_in_the_order_of_the_language(chromium, live_booking, path, label):
    origin, _ = live_booking
    context = chromium.new_context(timezone_id="Europe/Stockholm")
    try:
        page = context.new_page()
        page.goto(origin + path)
        day = page.locator("#booking-day option[value='2026-03-30']")
        day.wait_for(state="attached")
        assert day.inner_text() == label
    finally:
        context.close()
