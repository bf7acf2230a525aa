"""Booking shares the signup's rate limits: per address and per e-mail, in memory and Redis."""

import pytest
from booking_helpers import Visitor, booking_app, bookings

LIMITED_EN = "Too many attempts. Please try again in a minute."


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def limited_app(request, tmp_path, ebook_source, closing):
    storage = "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")
    app = closing(booking_app(tmp_path, ebook_source, RATELIMIT_ENABLED=True,
                              RATELIMIT_STORAGE_URI=storage, RATELIMIT_PER_IP="4/minute",
                              RATELIMIT_PER_EMAIL="2/minute"))
    return app


def test_per_email_limit_is_429_and_books_nothing_more(limited_app):
    visitor = Visitor(limited_app.test_client())
    codes = [visitor.book(lang="en", email="same@example.com",
                          start=f"2026-03-30T{hour}:00:00+02:00").status_code
             for hour in ("09", "10", "11")]
    assert codes == [200, 200, 429]
    answer = visitor.book(lang="en", email="SAME@example.com", start="2026-03-30T13:00:00+02:00")
    assert (answer.status_code, answer.get_json()["message"]) == (429, LIMITED_EN)
    assert 0 < int(answer.headers["Retry-After"]) <= 60
    assert len(bookings(limited_app)) == 2


def test_per_ip_limit(limited_app):
    visitor = Visitor(limited_app.test_client())
    codes = [visitor.book(email=f"r{n}@example.com",
                          start=f"2026-03-31T{hour}:00:00+02:00").status_code
             for n, hour in enumerate(("09", "10", "11", "13", "14"))]
    assert codes == [200, 200, 200, 200, 429]
