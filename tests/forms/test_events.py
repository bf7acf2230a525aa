"""The event seam (forms_service/events.py): every write path announces in its transaction,
and what a receiver queues there commits with the write or not at all."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from booking_helpers import NOW, bookings
from sqlalchemy import func, select

from forms_service import events
from forms_service.booking.models import Booking
from forms_service.booking.reserve import cancel, move, reserve
from forms_service.db import db
from forms_service.models import Lead, OutboxMessage, utcnow
from forms_service.outbox import enqueue

KIND = "event-test"
heard = []


@pytest.fixture(autouse=True)
def forget():
    heard.clear()
    yield
    heard.clear()


def remember(app, connection, **rows):
    """Note the event, and what its own connection shows of the row (written, not committed)."""
    row = rows.get("lead") or rows.get("booking")
    table = Lead if "lead" in rows else Booking
    seen = connection.execute(select(table.email).where(table.id == row.id)).scalar_one()
    heard.append({"in_transaction": connection.in_transaction(), "seen": seen,
                  **{name: snapshot(value) for name, value in rows.items()}})


def snapshot(row):
    """The row's fields as the receiver saw them (the objects expire after the commit)."""
    if not hasattr(row, "id"):
        return row
    return SimpleNamespace(**{name: getattr(row, name, None) for name in (
        "id", "name", "language", "status", "replaced_by", "kind", "booking_id",
        "from_starts_at", "starts_at", "sequence")})


def queue_one(app, connection, booking, **rows):
    enqueue(connection, KIND, "sv", booking_id=booking.id)


def queue_one_then_fail(app, connection, **rows):
    row = rows.get("lead") or rows.get("booking")
    ref = {"lead_id": row.id} if "lead" in rows else {"booking_id": row.id}
    enqueue(connection, KIND, "sv", **ref)
    raise ConnectionError("the receiver failed")


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def write_booking(app, commit):
    """A booking written with the ORM and announced, then committed or rolled back."""
    start = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        booking = Booking(
            uid=uuid.uuid4().hex, consultant="alva", starts_at=start,
            ends_at=start + timedelta(minutes=45), blocked_until=start + timedelta(hours=1),
            status="confirmed", name="Bo Berg", email="bo@example.com", company="Berg AB",
            topics="iso9001", message="", language="sv", consent_text="Ja",
            consent_version="2026-11-01", page_url="http://localhost/")
        db.session.add(booking)
        db.session.flush()
        events.announce(events.booking_made, db.session.connection(), booking=booking)
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def test_a_receivers_row_is_rolled_back_with_the_write(bapp):
    with events.booking_made.connected_to(queue_one, sender=bapp):
        write_booking(bapp, commit=False)
    assert count(bapp, Booking) == 0
    assert count(bapp, OutboxMessage, OutboxMessage.kind == KIND) == 0


def test_a_receivers_row_commits_with_the_write_exactly_once(bapp):
    with events.booking_made.connected_to(queue_one, sender=bapp):
        write_booking(bapp, commit=True)
    (booking,) = bookings(bapp)
    with bapp.app_context():
        (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == KIND))
        assert (message.booking_id, message.status, message.attempts) == (booking.id, "pending", 0)


def test_the_signup_fast_path_announces_the_new_lead_in_its_transaction(app, signup):
    with events.lead_created.connected_to(remember, sender=app):
        assert signup.json(email="ny@example.com", name="Ny Läsare").status_code == 200
        app.config["DUPLICATE_WINDOW_SECONDS"] = 0
        # A known address is no new lead: no second event.
        assert signup.json(email="ny@example.com").status_code == 200
    (event,) = heard
    with app.app_context():
        lead = db.session.scalars(select(Lead)).one()
    assert (event["in_transaction"], event["seen"]) == (True, "ny@example.com")
    assert (event["lead"].id, event["lead"].name, event["lead"].language) == (
        lead.id, "Ny Läsare", "sv")


def test_a_failing_receiver_fails_the_signup_and_leaves_nothing(app, signup):
    with events.lead_created.connected_to(queue_one_then_fail, sender=app):
        assert signup.json(email="borta@example.com").status_code == 503
    assert count(app, Lead) == 0
    assert count(app, OutboxMessage) == 0


def test_booking_moving_and_cancelling_announce_in_their_transaction(bapp):
    connections = [(events.booking_made, remember), (events.booking_moved, remember),
                   (events.booking_cancelled, remember)]
    availability = bapp.extensions["booking_availability"]
    details = {"name": "Anna Andersson", "email": "anna@example.com", "company": "Ek AB",
               "phone": "", "topics": "iso9001", "message": "", "language": "en",
               "time_zone": "Europe/Stockholm", "consent_text": "Ja",
               "page_url": "http://localhost/"}
    first_start = NOW + timedelta(days=10, hours=-4)  # Monday 30 March, 10:00 in Stockholm
    for signal, receiver in connections:
        signal.connect(receiver, sender=bapp)
    try:
        with bapp.test_request_context():
            first = reserve(availability, first_start, details, NOW)
            first_id = first.id
            moved = move(availability, first, first_start + timedelta(hours=1), NOW)
            assert moved.id == first_id  # rescheduled in place
            assert cancel(moved, by="staff")
    finally:
        for signal, receiver in connections:
            signal.disconnect(receiver, sender=bapp)
    made, moved_event, cancelled = heard
    assert all(event["in_transaction"] and event["seen"] == "anna@example.com"
               for event in heard)
    assert made["booking"].id == first_id and set(made) == {
        "in_transaction", "seen", "booking", "step"}
    assert (made["step"].kind, made["step"].booking_id) == ("booked", first_id)
    after = moved_event["booking"]
    assert (after.id, after.status, after.sequence) == (first_id, "confirmed", 1)
    assert (moved_event["step"].kind, moved_event["step"].booking_id) == ("moved", first_id)
    assert moved_event["step"].from_starts_at == first_start.replace(tzinfo=None)
    assert moved_event["step"].starts_at == (first_start + timedelta(hours=1)).replace(tzinfo=None)
    assert (cancelled["booking"].id, cancelled["booking"].status, cancelled["by"]) == (
        first_id, "cancelled", "staff")
    assert cancelled["step"].kind == "cancelled"


def test_a_failing_receiver_fails_the_booking_and_leaves_nothing(bapp, visitor):
    with events.booking_made.connected_to(queue_one_then_fail, sender=bapp):
        assert visitor.book().status_code == 503
    assert bookings(bapp) == []
    assert count(bapp, OutboxMessage) == 0


def test_sales_hear_of_a_booking_through_its_event(bapp, visitor):
    """booking/notifications.py: the sales notification is the event's receiver."""
    with events.booking_made.connected_to(remember, sender=bapp):
        assert visitor.book().status_code == 200
    (event,) = heard
    with bapp.app_context():
        kinds = dict(db.session.execute(select(OutboxMessage.kind, OutboxMessage.booking_id)).all())
    assert kinds == {"booking_request": event["booking"].id,
                     "booking_sales_new": event["booking"].id}
