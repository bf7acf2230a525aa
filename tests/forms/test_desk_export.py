"""Exports: streamed CSV (UTF-8 with BOM, formulas neutralized) and JSON."""

import csv
import io

import pytest
from desk_helpers import add_booking, add_lead, staff_client

from forms_service.desk.export import safe_cell


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+46 70 123", "'+46 70 123"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Åsa Öberg", "Åsa Öberg"),
    ("a=b", "a=b"),
    (None, ""),
    (7, "7"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_is_streamed_with_bom_and_neutralized_formulas(app):
    desk = staff_client(app)
    add_lead(app, email="asa@example.com", name="=cmd|' /C calc'!A0", language="sv")
    add_lead(app, email="bo@example.com", name="Åsa Öberg", language="en",
             utm_source="@evil", utm_campaign="-2+3")
    response = desk.get("/admin/export/leads.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_email = {row["email"]: row for row in rows}
    assert by_email["asa@example.com"]["name"] == "'=cmd|' /C calc'!A0"
    assert by_email["bo@example.com"]["name"] == "Åsa Öberg"
    assert by_email["bo@example.com"]["utm_source"] == "'@evil"
    assert by_email["bo@example.com"]["utm_campaign"] == "'-2+3"


def test_export_follows_the_filters(app):
    desk = staff_client(app)
    add_lead(app, email="sv@example.com", language="sv")
    add_lead(app, email="en@example.com", language="en")
    response = desk.get("/admin/export/leads.json?language=en")
    assert response.is_streamed
    assert [row["email"] for row in response.get_json()] == ["en@example.com"]


def test_bookings_export(app):
    desk = staff_client(app)
    add_booking(app, email="k@example.com", company="=1+1", phone="+46701234567")
    (row,) = list(csv.DictReader(io.StringIO(
        desk.get("/admin/export/bookings.csv").get_data().decode("utf-8-sig"))))
    assert (row["company"], row["phone"], row["stage"]) == ("'=1+1", "'+46701234567", "booked")
    (item,) = desk.get("/admin/export/bookings.json").get_json()
    assert item["company"] == "=1+1" and item["stage"] == "booked"


def test_large_export_is_complete(app):
    from forms_service.db import db
    from forms_service.models import Lead, utcnow

    desk = staff_client(app)
    now = utcnow()
    with app.app_context():
        db.session.add_all(Lead(email=f"r{n}@example.com", name=f"R {n}", language="sv",
                                created_at=now, last_requested_at=now) for n in range(1234))
        db.session.commit()
    response = desk.get("/admin/export/leads.csv")
    chunks = list(response.response)
    assert len(chunks) > 1000  # one chunk per row, not one big string
    assert len(b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
               .decode("utf-8-sig").splitlines()) == 1235
