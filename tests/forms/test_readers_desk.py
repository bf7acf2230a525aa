"""The reader counts on the desk's overview, joined to leads and bookings by article."""

import json
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from desk_helpers import add_booking, add_lead, staff_client
from forms_helpers import on_each_database
from readers_helpers import OTHER_BROWSER, Clock, beacon, readers_app

SV, EN, OTHER = "/artiklar/kvalitet/", "/en/articles/quality/", "/artiklar/miljo/"
ARTICLES = {
    SV: {"title": "Kvalitet i praktiken", "lang": "sv", "translation_key": "quality"},
    EN: {"title": "Quality in practice", "lang": "en", "translation_key": "quality"},
    OTHER: {"title": "Miljöledning", "lang": "sv", "translation_key": None},
}
PERIOD = "date_from=2026-03-02&date_to=2026-03-08"
DAY = datetime(2026, 3, 3, 9, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def dapp(request, tmp_path, ebook_source):
    app = yield from _app(request, tmp_path, ebook_source)
    return app


def _app(request, tmp_path, ebook_source):
    yield from on_each_database(
        request, lambda **o: readers_app(tmp_path, ebook_source, Clock(DAY), **o))


def seed(app):
    with open(app.config["DESK_ARTICLES_FILE"], "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "articles": ARTICLES}, fh)
    client = app.test_client()
    # The Swedish article: 4 visitors, 6 views, two from LinkedIn's campaign.
    for number in range(4):
        beacon(client, path=SV, address=f"192.0.2.{number}")
    beacon(client, path=SV, address="192.0.2.0", ref="www.linkedin.com", utm_source="linkedin",
           utm_medium="social", utm_campaign="host")
    beacon(client, path=SV, address="192.0.2.9", user_agent=OTHER_BROWSER,
           ref="www.linkedin.com", utm_source="linkedin", utm_medium="social",
           utm_campaign="host")
    # Its English version: 1 visitor (one of the Swedish ones), 2 views from Google.
    for _ in range(2):
        beacon(client, path=EN, lang="en", address="192.0.2.1", ref="www.google.com")
    # Another article: 10 visitors, no lead.
    for number in range(10):
        beacon(client, path=OTHER, address=f"198.51.100.{number}")
    site = "http://localhost"
    add_lead(app, email="a@example.com", page_url=site + SV + "?utm_source=linkedin",
             created_at=DAY, last_requested_at=DAY)
    add_lead(app, email="b@example.com", page_url=site + EN, language="en", created_at=DAY,
             last_requested_at=DAY)
    add_booking(app, email="c@example.com", page_url=site + SV, created_at=DAY,
                starts_at=datetime(2026, 3, 10, 9), ends_at=datetime(2026, 3, 10, 10),
                blocked_until=datetime(2026, 3, 10, 10))


def cells(html, table_id):
    soup = BeautifulSoup(html, "lxml")
    return {tr.find("th").get_text(strip=True): [td.get_text(strip=True)
                                                 for td in tr.find_all("td")]
            for tr in soup.select(f"table#{table_id} tbody tr") if tr.find("th")}


def test_readers_and_leads_by_article_together_and_apart(dapp):
    seed(dapp)
    staff = staff_client(dapp)
    html = staff.get(f"/admin/overview?{PERIOD}").get_data(as_text=True)
    # Views, daily visitors, signups, bookings, per 100 visitors.
    assert cells(html, "readers-articles") == {
        "Miljöledning": ["10", "10", "0", "0", "0.0", "0.0"],
        "Kvalitet i praktiken": ["8", "6", "2", "1", "33.3", "16.7"],
    }
    assert list(cells(html, "readers-conversion")) == ["Kvalitet i praktiken", "Miljöledning"]
    assert cells(html, "readers-conversion")["Kvalitet i praktiken"] == ["50.0", "6"]
    # The whole site: 15 people (one read both language versions) in week 10.
    assert cells(html, "readers-weekly") == {"10 (2026-03-02)": ["18", "15"]}
    # A visitor counts under the referrer of their first view of the page that day: 192.0.2.0
    # came back from LinkedIn after a first view with none.
    assert cells(html, "readers-referrers") == {
        "(ingen)": ["14", "14"], "linkedin.com": ["2", "1"], "google.com": ["2", "1"]}
    assert cells(html, "readers-campaigns") == {"linkedin / social / host": ["2", "1"]}
    html = staff.get(f"/admin/overview?{PERIOD}&versions=apart").get_data(as_text=True)
    assert cells(html, "readers-articles") == {
        "Miljöledning": ["10", "10", "0", "0", "0.0", "0.0"],
        "Kvalitet i praktiken": ["6", "5", "1", "1", "20.0", "20.0"],
        "Quality in practice": ["2", "1", "1", "0", "100.0", "0.0"],
    }


def test_the_language_filter_keeps_one_version(dapp):
    seed(dapp)
    html = staff_client(dapp).get(f"/admin/overview?{PERIOD}&language=en").get_data(
        as_text=True)
    assert cells(html, "readers-articles") == {
        "Kvalitet i praktiken": ["2", "1", "1", "0", "100.0", "0.0"]}
    assert cells(html, "readers-weekly") == {"10 (2026-03-02)": ["2", "1"]}


def test_every_chart_has_its_table_and_nothing_counted_says_so(dapp):
    html = staff_client(dapp).get(f"/admin/overview?{PERIOD}").get_data(as_text=True)
    soup = BeautifulSoup(html, "lxml")
    for section in soup.select("section[aria-labelledby^=readers]"):
        if section.select("svg"):
            assert section.select("table caption"), section["aria-labelledby"]
    assert cells(html, "readers-articles") == {}
    assert "Inget hittades." in soup.select_one("table#readers-articles").get_text()
