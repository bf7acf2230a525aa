"""Thirty visitors race for one time: exactly one booking per free consultant, no 5xx."""

import threading
from collections import Counter

import pytest
from booking_helpers import TWO_CONSULTANTS, Visitor, booking_app, bookings
from sqlalchemy import func, select

from forms_service.db import db
from forms_service.models import OutboxMessage

RACERS = 30


def race(app, start):
    """Post RACERS bookings for start at once; return the status codes."""
    visitors = [Visitor(app.test_client()) for _ in range(RACERS)]
    tokens = [v.token() for v in visitors]  # fetched first, so the posts start together
    barrier = threading.Barrier(RACERS)
    codes = [None] * RACERS

    def run(number):
        barrier.wait()
        answer = visitors[number].book(token=tokens[number], start=start,
                                       email=f"visitor{number}@example.com")
        codes[number] = answer.status_code

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return codes


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request):
    if request.param == "postgresql":
        return {"SQLALCHEMY_DATABASE_URI": request.getfixturevalue("postgres_url"),
                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": RACERS, "max_overflow": 5}}
    return {}


def _dispose(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_one_consultant_one_booking(tmp_path, ebook_source, database):
    app = booking_app(tmp_path, ebook_source, **database)
    try:
        codes = race(app, "2026-03-30T09:00:00+02:00")
        assert Counter(codes) == {200: 1, 409: RACERS - 1}
        (booking,) = bookings(app)
        assert booking.consultant == "alva"
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    finally:
        _dispose(app)


def test_two_consultants_two_bookings(tmp_path, ebook_source, database):
    app = booking_app(tmp_path, ebook_source, TWO_CONSULTANTS, **database)
    try:
        codes = race(app, "2026-03-30T10:00:00+02:00")
        assert Counter(codes) == {200: 2, 409: RACERS - 2}
        assert sorted(b.consultant for b in bookings(app)) == ["alva", "bo"]
    finally:
        _dispose(app)

