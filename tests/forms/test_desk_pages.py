"""Desk pages: lists with filters and search, one person, booking follow-up, XSS, languages."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs

import pytest
from bs4 import BeautifulSoup
from desk_helpers import add_booking, add_lead, post, staff_client
from sqlalchemy import select

from forms_service.db import db
from forms_service.desk.models import FollowUp
from forms_service.models import Lead, utcnow

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SHORT_XSS = "<img src=x onerror=alert(1)>"  # for columns of 40 characters


@pytest.fixture
def desk(app):
    return staff_client(app)


def names(html):
    return [a.get_text() for a in BeautifulSoup(html, "lxml").select("table a[href*='/people/']")]


def test_leads_list_filters_and_search(app, desk):
    add_lead(app, email="a@example.com", name="Anna", language="sv",
             page_url="http://localhost/iso-27001-informationssakerhet/")
    add_lead(app, email="b@example.com", name="Bert", language="en",
             page_url="http://localhost/en/iso-14001-environmental-management/",
             confirmed_at=utcnow())
    add_lead(app, email="c@other.org", name="Cecilia", language="en", page_url=None)

    def shown(**query):
        return sorted(names(desk.get("/admin/leads", query_string=query).get_data(as_text=True)))

    assert shown() == ["Anna", "Bert", "Cecilia"]
    assert shown(language="en") == ["Bert", "Cecilia"]
    assert shown(standard="iso27001") == ["Anna"]
    assert shown(source="http://localhost/en/iso-14001-environmental-management/") == ["Bert"]
    assert shown(status="confirmed") == ["Bert"]
    assert shown(status="unconfirmed") == ["Anna", "Cecilia"]
    assert shown(q="OTHER.ORG") == ["Cecilia"]
    assert shown(q="%") == []  # wildcards are searched for literally
    today = utcnow().date().isoformat()
    assert shown(date_from=today, date_to=today) == ["Anna", "Bert", "Cecilia"]
    assert shown(date_to="2000-01-01") == []
    page = desk.get("/admin/leads", query_string={"date_from": "yesterday"})
    assert "Ange datum som ÅÅÅÅ-MM-DD." in page.get_data(as_text=True)


def test_bookings_list_filters_and_search(app, desk):
    first = add_booking(app, email="x@example.com", name="Xena", company="Xylofon AB",
                        topics="iso9001,iso14001", language="sv")
    add_booking(app, email="y@example.com", name="Yngve", company="Ystad Plåt",
                topics="iso27001", language="en", consultant="erik")
    with app.app_context():
        db.session.add(FollowUp(booking_id=first, status="won", notes=""))
        db.session.commit()

    def shown(**query):
        page = desk.get("/admin/bookings", query_string=query).get_data(as_text=True)
        return sorted(names(page))

    assert shown() == ["Xena", "Yngve"]
    assert shown(q="ystad") == ["Yngve"]
    assert shown(standard="iso14001") == ["Xena"]
    assert shown(standard="iso1400") == []
    assert shown(status="won") == ["Xena"]
    assert shown(status="booked") == ["Yngve"]
    assert shown(status="contacted") == []  # no longer a status
    assert shown(language="en") == ["Yngve"]


ARTICLE = "http://localhost/en/iso-27001-information-security/"


def source_options(html):
    soup = BeautifulSoup(html, "lxml")
    return [option["value"] for option in soup.select("select[name=source] option")
            if option["value"]]


def test_source_filter_keeps_an_article_together_whatever_its_query(app, desk):
    # Campaign links add UTM parameters (and readers fragments) to the article's address:
    # the lead keeps its whole page_url, the filter and its list go by the bare address.
    add_lead(app, email="a@example.com", name="Plain", page_url=ARTICLE)
    add_lead(app, email="b@example.com", name="Linkedin",
             page_url=ARTICLE + "?utm_source=linkedin&utm_campaign=q3")
    add_lead(app, email="c@example.com", name="Anchor", page_url=ARTICLE + "#download")
    add_lead(app, email="d@example.com", name="Both", page_url=ARTICLE + "?utm_source=x#top")
    add_lead(app, email="e@example.com", name="Other",
             page_url="http://localhost/en/iso-14001-environmental-management/?utm_source=x")
    add_booking(app, email="f@example.com", name="Booker", page_url=ARTICLE + "?utm_medium=mail")
    add_booking(app, email="g@example.com", name="Elsewhere", page_url="http://localhost/boka/",
                consultant="erik")

    def shown(path, **query):
        return sorted(names(desk.get(path, query_string=query).get_data(as_text=True)))

    assert shown("/admin/leads", source=ARTICLE) == ["Anchor", "Both", "Linkedin", "Plain"]
    # An address copied with its query string still means the article.
    assert shown("/admin/leads", source=ARTICLE + "?utm_source=linkedin") == [
        "Anchor", "Both", "Linkedin", "Plain"]
    assert shown("/admin/bookings", source=ARTICLE) == ["Booker"]
    assert source_options(desk.get("/admin/leads").get_data(as_text=True)) == [
        "http://localhost/boka/", "http://localhost/en/iso-14001-environmental-management/",
        ARTICLE]
    with app.app_context():
        stored = db.session.scalars(select(Lead.page_url).where(Lead.name == "Linkedin")).one()
    assert stored == ARTICLE + "?utm_source=linkedin&utm_campaign=q3"


def test_lead_standard_filter_matches_whole_standards_only(app, desk):
    add_lead(app, email="a@example.com", name="Fourteen",
             page_url="http://localhost/iso-14001-miljoledning/")
    add_lead(app, email="b@example.com", name="Slash", page_url="http://localhost/en/iso-14001/")
    add_lead(app, email="c@example.com", name="Upper", page_url="http://localhost/ISO-14001-X/")
    add_lead(app, email="d@example.com", name="Campaign",
             page_url="http://localhost/om-oss/?utm_campaign=iso-14001-launch#iso-14001-x")
    add_lead(app, email="e@example.com", name="Nine",
             page_url="http://localhost/skillnaden-mellan-iso-9000-och-iso-9001/")

    def shown(**query):
        return sorted(names(desk.get("/admin/leads", query_string=query).get_data(as_text=True)))

    assert shown(standard="iso14001") == ["Fourteen", "Slash", "Upper"]
    assert shown(standard="iso1400") == []
    assert shown(standard="iso140") == []
    assert shown(standard="iso9001") == ["Nine"]
    assert shown(standard="iso900") == []
    assert shown(standard="100%") == []


def test_lead_and_booking_with_one_address_are_one_person(app, desk):
    lead = add_lead(app, email="same@example.com", name="Sam Lead")
    booking = add_booking(app, email="Same@Example.com", name="Sam Booker", company="Sam AB")
    leads_page = desk.get("/admin/leads").get_data(as_text=True)
    assert "har bokat möte" in leads_page
    assert "e-bokslead" in desk.get("/admin/bookings").get_data(as_text=True)
    for kind, item in (("lead", lead), ("booking", booking)):
        page = desk.get(f"/admin/people/{kind}/{item}").get_data(as_text=True)
        assert "Sam Lead" in page and "Sam Booker" in page and "Sam AB" in page
    assert desk.get("/admin/people/lead/999").status_code == 404


def test_meeting_times_are_shown_in_stockholm_time_with_the_zone(app, desk):
    summer_noon_utc = datetime(2026, 7, 1, 12, 0)
    booking = add_booking(app, starts_at=summer_noon_utc,
                          ends_at=summer_noon_utc + timedelta(hours=1))
    for path in ("/admin/bookings", f"/admin/people/booking/{booking}"):
        html = desk.get(path).get_data(as_text=True)
        shown = BeautifulSoup(html, "lxml").get_text()
        assert "2026-07-01 14:00 (Europe/Stockholm)" in shown, path
        assert "12:00" not in shown, path
        # The machine-readable time stays UTC.
        assert 'datetime="2026-07-01T12:00:00Z"' in html, path
    detail = desk.get(f"/admin/bookings/{booking}").get_data(as_text=True)
    assert "2026-07-01 14:00–15:00 (Europe/Stockholm)" in detail


def test_booking_status_and_notes(app, desk):
    booking = add_booking(app)
    path = f"/admin/bookings/{booking}"
    page = desk.get(path).get_data(as_text=True)
    assert '<option value="new" selected>inget utfall än</option>' in page
    response = post(desk, path, {"status": "no-show", "notes": "Ringde två gånger."})
    assert response.status_code == 303
    with app.app_context():
        follow_up = db.session.get(FollowUp, booking)
        assert (follow_up.status, follow_up.notes, follow_up.updated_by) == (
            "no-show", "Ringde två gånger.", "staff@normkraft.se")
    page = desk.get(path).get_data(as_text=True)
    assert '<option value="no-show" selected>uteblev</option>' in page
    assert "Sparat." in page


@pytest.mark.parametrize("data, message", [
    ({"status": "contacted", "notes": ""}, "Ogiltigt val."),
    ({"status": "cancelled", "notes": ""}, "Ogiltigt val."),
    ({"status": "done", "notes": "x" * 5001}, "Använd högst 5000 tecken."),
])
def test_booking_follow_up_bad_input(app, desk, data, message):
    booking = add_booking(app)
    response = post(desk, f"/admin/bookings/{booking}", data)
    assert response.status_code == 422
    assert f'<p class="desk-error">{message}</p>' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(FollowUp)).all() == []


def test_pages_switch_language(app, desk):
    assert "E-boksleads" in desk.get("/admin/leads").get_data(as_text=True)
    english = desk.get("/admin/leads?lang=en").get_data(as_text=True)
    assert "E-book leads" in english and '<html lang="en">' in english
    # The choice sticks for the session.
    assert "Webhook deliveries" in desk.get("/admin/deliveries").get_data(as_text=True)


def test_language_switch_keeps_the_filters(app, desk):
    add_lead(app, name="Anna", language="sv")
    html = desk.get("/admin/leads", query_string={
        "language": "sv", "q": "anna & co", "status": "unconfirmed", "page": "1",
        "lang": "sv"}).get_data(as_text=True)
    switch = BeautifulSoup(html, "lxml").select_one(".desk-languages a[lang=en]")["href"]
    path, _, query = switch.partition("?")
    assert path == "/admin/leads"
    assert parse_qs(query) == {"language": ["sv"], "q": ["anna & co"],
                               "status": ["unconfirmed"], "page": ["1"], "lang": ["en"]}
    assert "E-book leads" in desk.get(switch).get_data(as_text=True)


def test_xss_payloads_render_inert_everywhere(app, desk):
    lead = add_lead(app, email=f"{XSS}@example.com", name=XSS, language="sv",
                    page_url="javascript:alert(1)", referrer="javascript:alert(2)",
                    utm_source=XSS, utm_medium=XSS, utm_campaign=XSS, utm_term=XSS,
                    utm_content=XSS)
    booking = add_booking(app, email=f"{XSS}@example.com", name=XSS, company=XSS, phone=SHORT_XSS,
                          topics=XSS, message=XSS, time_zone=XSS, page_url="javascript:x",
                          consultant=SHORT_XSS)
    with app.app_context():
        db.session.add(FollowUp(booking_id=booking, status="new", notes=XSS, updated_by=XSS))
        db.session.commit()
    pages = ["/admin/leads", "/admin/bookings", f"/admin/bookings/{booking}",
             f"/admin/people/lead/{lead}", f"/admin/people/booking/{booking}",
             "/admin/privacy", "/admin/deliveries"]
    for path in pages:
        html = desk.get(path).get_data(as_text=True)
        soup = BeautifulSoup(html, "lxml")
        assert soup.find("script") is None, path
        assert soup.find("img") is None, path
        assert not [a for a in soup.find_all("a") if "javascript" in a.get("href", "")], path
        assert XSS not in html
    assert "&lt;script&gt;" in desk.get(f"/admin/bookings/{booking}").get_data(as_text=True)
