"""Races: thirty visitors for one time, two tabs changing one booking; no 5xx, no doubles."""

import threading
from collections import Counter
from datetime import UTC, datetime
from functools import partial

import pytest
from booking_helpers import CSRF, TWO_CONSULTANTS, Visitor, booking_app, bookings, manage_url
from forms_helpers import SITE
from sqlalchemy import func, select

from forms_service.db import db
from forms_service.models import OutboxMessage

RACERS = 30


def together(*calls):
    """Run the calls in threads released at once by a barrier; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(number):
        barrier.wait()
        results[number] = calls[number]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def race(app, start):
    """Post RACERS bookings for start at once; return the status codes."""
    visitors = [Visitor(app.test_client()) for _ in range(RACERS)]
    tokens = [v.token() for v in visitors]  # fetched first, so the posts start together
    answers = together(*(partial(v.book, token=t, start=start, email=f"visitor{n}@example.com")
                         for n, (v, t) in enumerate(zip(visitors, tokens, strict=True))))
    return [answer.status_code for answer in answers]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pooled_database(request):
    """Config for SQLite or PostgreSQL, PostgreSQL's pool big enough for every racer."""
    if request.param == "postgresql":
        return {"SQLALCHEMY_DATABASE_URI": request.getfixturevalue("postgres_url"),
                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": RACERS, "max_overflow": 5}}
    return {}


def test_one_consultant_one_booking(tmp_path, ebook_source, pooled_database, closing):
    app = closing(booking_app(tmp_path, ebook_source, **pooled_database))
    codes = race(app, "2026-03-30T09:00:00+02:00")
    assert Counter(codes) == {200: 1, 409: RACERS - 1}
    (booking,) = bookings(app)
    assert booking.consultant == "alva"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_two_consultants_two_bookings(tmp_path, ebook_source, pooled_database, closing):
    app = closing(booking_app(tmp_path, ebook_source, TWO_CONSULTANTS, **pooled_database))
    codes = race(app, "2026-03-30T10:00:00+02:00")
    assert Counter(codes) == {200: 2, 409: RACERS - 2}
    assert sorted(b.consultant for b in bookings(app)) == ["alva", "bo"]



CHANGED = "This meeting was changed in the meantime, so nothing more was done."


@pytest.mark.parametrize("second", [
    ("move", {"start": "2026-04-01T09:00:00+02:00"}), ("cancel", {"confirm": "yes"}),
], ids=["move", "cancel"])
def test_two_tabs_change_one_booking_once(tmp_path, ebook_source, pooled_database, second, closing):
    """A move and a second move (or a cancel) of one booking at once: one wins, one is 409."""
    app = closing(booking_app(tmp_path, ebook_source, **pooled_database))
    assert Visitor(app.test_client()).book(lang="en").status_code == 200
    link = manage_url(app, 1)
    tabs = [app.test_client() for _ in range(2)]
    tokens = [CSRF.findall(tab.get(link).get_data(as_text=True))[-1] for tab in tabs]
    actions = [("move", {"start": "2026-03-31T09:00:00+02:00"}), second]
    answers = together(*(
        partial(tab.post, f"{link}/{action}", data={"csrf_token": token, **data},
                headers={"Origin": SITE})
        for tab, token, (action, data) in zip(tabs, tokens, actions, strict=True)))
    assert sorted(a.status_code for a in answers) == [303, 409]
    (lost,) = [a for a in answers if a.status_code == 409]
    assert CHANGED in lost.get_data(as_text=True)
    # One booking, changed once: moved in place (SEQUENCE 1) or cancelled, not both.
    (booking,) = bookings(app)
    ((won, data),) = [action for action, answer in zip(actions, answers, strict=True)
                      if answer.status_code == 303]
    assert booking.sequence == 1
    if won == "move":
        assert booking.status == "confirmed"
        assert booking.starts_at.replace(tzinfo=UTC) == datetime.fromisoformat(data["start"])
    else:
        assert (booking.status, booking.starts_at.day) == ("cancelled", 30)
    with app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind).where(
            OutboxMessage.booking_id == booking.id)).all()
    changed = {"move": ["booking_moved", "booking_sales_moved"],
               "cancel": ["booking_cancel", "booking_sales_cancel"]}[won]
    assert sorted(kinds) == sorted(["booking_request", "booking_sales_new", *changed])
