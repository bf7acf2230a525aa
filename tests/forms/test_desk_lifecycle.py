"""One lifecycle for a meeting: booked -> moved -> held / no-show -> won / lost, or cancelled
by the visitor or by staff; and migration 0006, which maps the old follow-up statuses."""

from datetime import timedelta

import flask_migrate
from bs4 import BeautifulSoup
from desk_helpers import add_booking, post, staff_client
from sqlalchemy import select, text

from forms_service.booking.models import Booking
from forms_service.booking.reserve import cancel
from forms_service.db import db
from forms_service.desk.models import FollowUp
from forms_service.models import OutboxMessage, utcnow


def meeting(app, start, **fields):
    return add_booking(app, starts_at=start, ends_at=start + timedelta(minutes=45),
                       blocked_until=start + timedelta(hours=1), **fields)


def stage_in_list(desk, booking_id, **query):
    soup = BeautifulSoup(desk.get("/admin/bookings", query_string={"lang": "sv", **query})
                         .get_data(as_text=True), "lxml")
    for tr in soup.select("tbody tr"):
        link = tr.select_one("a[href*='/admin/bookings/']")
        if link and link["href"].endswith(f"/{booking_id}"):
            return tr.select_one(".desk-stage").get_text()
    return None


def test_staff_cancel_frees_the_slot_and_says_who(app):
    desk = staff_client(app)
    booking = add_booking(app)
    response = post(desk, f"/admin/bookings/{booking}/cancel", {},
                    page=f"/admin/bookings/{booking}")
    assert response.status_code == 303
    with app.app_context():
        item = db.session.get(Booking, booking)
        assert (item.status, item.cancelled_by) == ("cancelled", "staff")
        kinds = sorted(db.session.scalars(select(OutboxMessage.kind)
                                          .where(OutboxMessage.booking_id == booking)))
    assert kinds == ["booking_cancel", "booking_sales_cancel"]
    page = desk.get(f"/admin/bookings/{booking}").get_data(as_text=True)
    assert "Mötet är avbokat." in page and "avbokat av oss" in page
    assert 'name="status"' not in page  # no outcome for a cancelled meeting
    assert stage_in_list(desk, booking) == "avbokat av oss"
    assert stage_in_list(desk, booking, status="cancelled-staff") == "avbokat av oss"
    assert stage_in_list(desk, booking, status="booked") is None
    # A second cancel changes nothing and says so.
    again = post(desk, f"/admin/bookings/{booking}/cancel", {}, page="/admin/bookings")
    assert again.status_code == 303
    assert "kunde inte avbokas" in desk.get(f"/admin/bookings/{booking}").get_data(as_text=True)


def test_each_stage_is_shown_once_and_filters_by_it(app):
    desk = staff_client(app)
    start = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    booked = meeting(app, start, name="Booked")
    old = meeting(app, start + timedelta(hours=2), name="Moved", consultant="erik",
                  status="cancelled")
    new = meeting(app, start + timedelta(days=1), name="Moved", consultant="erik")
    visitor = meeting(app, start + timedelta(hours=4), name="Visitor")
    won = meeting(app, start + timedelta(hours=6), name="Won")
    with app.app_context():
        db.session.get(Booking, old).replaced_by = new
        db.session.add(FollowUp(booking_id=won, status="won", notes=""))
        db.session.commit()
        assert cancel(db.session.get(Booking, visitor))
    expected = {booked: "bokat", old: "ersatt av en ny tid", new: "flyttat",
                visitor: "avbokat av besökaren", won: "vunnen affär"}
    for booking_id, stage in expected.items():
        assert stage_in_list(desk, booking_id) == stage, booking_id
        page = BeautifulSoup(desk.get(f"/admin/bookings/{booking_id}").get_data(as_text=True),
                             "lxml")
        assert [s.get_text() for s in page.select(".desk-stage")] == [stage]
    for key in ("booked", "moved", "replaced", "cancelled-visitor", "won"):
        shown = BeautifulSoup(desk.get("/admin/bookings", query_string={"status": key})
                              .get_data(as_text=True), "lxml").select(".desk-stage")
        assert len(shown) == 1, key
    # Recording an outcome moves a meeting on; the person view shows the same stage.
    assert post(desk, f"/admin/bookings/{new}", {"status": "held", "notes": ""}
                ).status_code == 303
    assert stage_in_list(desk, new) == "genomfört"
    person = BeautifulSoup(desk.get(f"/admin/people/booking/{new}").get_data(as_text=True),
                           "lxml")
    # (Every booking here has one address: one person.)
    assert sorted(s.get_text() for s in person.select(".desk-stage")) == [
        "avbokat av besökaren", "bokat", "ersatt av en ny tid", "genomfört", "vunnen affär"]


OLD_STATUSES = ("new", "contacted", "done", "cancelled", "no-show", "cancelled")


def test_migration_maps_every_old_follow_up_status(bare_app):
    app = bare_app
    directory = app.config["MIGRATIONS_DIR"]
    start = utcnow().replace(microsecond=0) + timedelta(days=5)
    with app.app_context():
        flask_migrate.upgrade(directory=directory, revision="0004")
        ids = []
        for number, status in enumerate(OLD_STATUSES):
            # The last booking was cancelled by its visitor before sales marked it.
            booking_status = "cancelled" if number == 5 else "confirmed"
            when = start + timedelta(hours=number)
            ids.append(db.session.execute(text(
                "INSERT INTO bookings (uid, consultant, starts_at, ends_at, blocked_until, "
                "status, sequence, name, email, company, topics, message, language, "
                "consent_text, consent_version, created_at) VALUES (:uid, 'anna', :s, :e, :b, "
                ":status, 0, 'N', 'n@example.com', 'C', '', '', 'sv', 'ok', 'v', :s) "
                "RETURNING id"), {"uid": f"u{number}", "s": when,
                                  "e": when + timedelta(minutes=45),
                                  "b": when + timedelta(hours=1), "status": booking_status}
            ).scalar_one())
            db.session.execute(text(
                "INSERT INTO booking_follow_ups (booking_id, status, notes, updated_at, "
                "updated_by) VALUES (:id, :status, :notes, :at, 'sales@normkraft.se')"),
                {"id": ids[-1], "status": status, "notes": f"note {number}", "at": start})
        db.session.commit()

        flask_migrate.upgrade(directory=directory, revision="0006")
        rows = db.session.execute(text(
            "SELECT b.id, b.status, b.cancelled_by, f.status, f.previous_status, f.notes "
            "FROM bookings b JOIN booking_follow_ups f ON f.booking_id = b.id ORDER BY b.id")
        ).all()
        assert [tuple(row[1:]) for row in rows] == [
            ("confirmed", None, "new", None, "note 0"),
            ("confirmed", None, "new", "contacted", "note 1"),
            ("confirmed", None, "held", "done", "note 2"),
            ("cancelled", "staff", "new", "cancelled", "note 3"),
            ("confirmed", None, "no-show", None, "note 4"),
            ("cancelled", "visitor", "new", "cancelled", "note 5"),
        ]
        db.session.commit()

        flask_migrate.downgrade(directory=directory, revision="0004")
        restored = db.session.execute(text(
            "SELECT f.status, f.notes FROM booking_follow_ups f ORDER BY f.booking_id")).all()
        assert [tuple(row) for row in restored] == [
            (status, f"note {number}") for number, status in enumerate(OLD_STATUSES)]
        db.session.commit()
        flask_migrate.upgrade(directory=directory)
