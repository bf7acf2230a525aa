"""Numbers in desk URLs: ids beyond the database's INTEGER are a 404, page numbers are clamped."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from desk_helpers import add_booking, add_deliveries, add_lead, staff_client

from forms_service.bounds import MAX_ID
from forms_service.models import utcnow

HUGE = "99999999999999999999999"


@pytest.fixture
def desk(app):
    app.config["DESK_PAGE_SIZE"] = 2
    return staff_client(app)


OUT_OF_RANGE = [
    f"/admin/people/lead/{HUGE}",
    f"/admin/people/booking/{HUGE}",
    "/admin/bookings/99999999999999999999",
    f"/admin/people/lead/{MAX_ID + 1}",  # the first number PostgreSQL's INTEGER cannot hold
    f"/admin/bookings/{MAX_ID + 1}",
    f"/admin/people/lead/{MAX_ID}",  # the largest id: simply not there
    f"/admin/bookings/{MAX_ID}",
    "/admin/people/lead/" + "9" * 5000,  # more digits than Python turns into an int
]


def test_ids_out_of_range_are_not_found(app, desk):
    for path in OUT_OF_RANGE:
        assert desk.get(path).status_code == 404, path
    assert desk.post(f"/admin/bookings/{HUGE}", data={"status": "won"}).status_code == 404
    lead, booking = add_lead(app), add_booking(app)
    assert desk.get(f"/admin/people/lead/{lead}").status_code == 200
    assert desk.get(f"/admin/people/booking/{booking}").status_code == 200
    assert desk.get(f"/admin/bookings/{booking}").status_code == 200


def shown(response):
    """(rows in the table, the page numbers the Previous/Next links lead to)."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "lxml")
    rows = [row for row in soup.select("table.desk-table tbody tr")
            if not row.select("td[colspan]")]  # "Nothing found." is no row
    links = [int(parse_qs(urlsplit(a["href"]).query)["page"][0])
             for a in soup.select("nav.desk-pager a")]
    return len(rows), links


def fill(app, listing):
    """Five rows in listing: with two to a page, three pages, the last one holding one row."""
    if listing == "leads":
        for number in range(5):
            add_lead(app, email=f"lead{number}@example.com")
    elif listing == "bookings":
        start = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        for number in range(5):  # two hours apart: one consultant's meetings may not overlap
            begins = start + timedelta(hours=2 * number)
            add_booking(app, email=f"booker{number}@example.com", starts_at=begins,
                        ends_at=begins + timedelta(hours=1),
                        blocked_until=begins + timedelta(hours=1, minutes=15))
    else:
        add_deliveries(app, ["sent"] * 5)


LISTINGS = ["leads", "bookings", "deliveries"]


@pytest.mark.parametrize("listing", LISTINGS)
def test_page_numbers_are_clamped_to_pages_that_exist(app, desk, listing):
    fill(app, listing)
    # In range: as asked.
    assert shown(desk.get(f"/admin/{listing}?page=2")) == (2, [1, 3])
    assert shown(desk.get(f"/admin/{listing}?page=3")) == (1, [2])
    # Past the end, however far: the last page.
    for page in ["4", str(MAX_ID), str(MAX_ID + 1), "99999999999999999999", "9" * 5000]:
        assert shown(desk.get(f"/admin/{listing}?page={page}")) == (1, [2]), page
    # Below one, or not a number: the first page.
    for page in ["0", "-99999999999999999999", "x", "", "1.5", "\u0663", "%0d%0a"]:
        assert shown(desk.get(f"/admin/{listing}", query_string={"page": page})) == (2, [2]), page


@pytest.mark.parametrize("listing", LISTINGS)
def test_an_empty_list_past_the_end_is_the_empty_first_page(app, desk, listing):
    response = desk.get(f"/admin/{listing}?page={HUGE}")
    assert shown(response) == (0, [])
    assert "Inget hittades." in response.get_data(as_text=True)


def test_the_last_and_first_days_a_date_can_hold_are_valid_filters(app, desk):
    add_lead(app, name="Lena Lindqvist")
    add_booking(app, name="Bosse Bertilsson")
    for path in ("/admin/leads", "/admin/bookings", "/admin/export/leads.csv",
                 "/admin/export/bookings.json"):
        name = "Lindqvist" if "leads" in path else "Bertilsson"
        for query in ({"date_to": "9999-12-31"}, {"date_from": "0001-01-01"},
                      {"date_from": "0001-01-01", "date_to": "9999-12-31"}):
            response = desk.get(path, query_string=query)
            assert response.status_code == 200, (path, query)
            assert name in response.get_data(as_text=True), (path, query)
        response = desk.get(path, query_string={"date_from": "9999-12-31"})
        assert response.status_code == 200, path
        assert name not in response.get_data(as_text=True), path
