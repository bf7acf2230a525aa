"""The desk's overview: its counts equal counts made directly in the database, on both."""

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from desk_helpers import add_booking, add_lead, staff_client
from sqlalchemy import text

from forms_service.db import db
from forms_service.desk.models import FollowUp
from forms_service.models import utcnow

SITE = "http://localhost"
ARTICLES = {
    "/artiklar/kvalitet-i-praktiken/": {"title": "Kvalitet i praktiken", "lang": "sv",
                                        "standard": "iso9001", "translation_key": "quality"},
    "/en/articles/quality-in-practice/": {"title": "Quality in practice", "lang": "en",
                                          "standard": "iso9001", "translation_key": "quality"},
    "/artiklar/miljo/": {"title": "Miljöledning", "lang": "sv", "standard": "iso14001",
                         "translation_key": None},
}
FIRST, LAST = date(2026, 9, 7), date(2026, 11, 29)  # 12 weeks, Monday to Sunday


def write_articles(app):
    path = app.config["DESK_ARTICLES_FILE"]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "articles": ARTICLES}, fh)


def seed(app):
    """Leads over twelve weeks (and a few outside), bookings with every outcome."""
    pages = [SITE + "/artiklar/kvalitet-i-praktiken/?utm_source=linkedin&utm_campaign=host",
             SITE + "/en/articles/quality-in-practice/", SITE + "/artiklar/miljo/#form",
             SITE + "/gammal-artikel/", None]
    sources = ["linkedin", "google", None]
    campaigns = ["host", None]
    start = datetime.combine(FIRST, time(0, 0)) - timedelta(days=3)
    for number in range(90):
        created = start + timedelta(hours=23 * number + 5)
        add_lead(app, email=f"p{number}@example.com", name=f"Person {number}",
                 language=("sv", "en")[number % 3 == 0], page_url=pages[number % 5],
                 utm_source=sources[number % 3], utm_campaign=campaigns[number % 2],
                 created_at=created, last_requested_at=created,
                 confirmed_at=created + timedelta(hours=1) if number % 2 else None)
    outcomes = [None, "held", "won", "lost", "no-show", None]
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for number in range(0, 90, 4):
        starts = now + timedelta(days=(number % 9) - 2, hours=number % 5)
        booking = add_booking(app, email=f"P{number}@Example.com", consultant=("anna", "erik")[
            number % 2], starts_at=starts, ends_at=starts + timedelta(minutes=45),
            blocked_until=starts + timedelta(hours=1),
            status="cancelled" if number % 20 == 0 else "confirmed",
            language=("sv", "en")[number % 3 == 0])
        outcome = outcomes[number % 6]
        if outcome:
            with app.app_context():
                db.session.add(FollowUp(booking_id=booking, status=outcome, notes=""))
                db.session.commit()


def table(html, table_id):
    """{row header: [cells]} of the overview's table with table_id."""
    soup = BeautifulSoup(html, "lxml")
    rows = {}
    for tr in soup.select(f"table#{table_id} tbody tr"):
        header = tr.find("th")
        if header is not None:
            rows[header.get_text(strip=True)] = [int(td.get_text()) for td in tr.find_all("td")]
    return rows


def count(app, sql, **params):
    with app.app_context():
        return db.session.execute(text(sql), params).scalar_one()


LEADS_IN = "created_at >= :first AND created_at < :end"


@pytest.mark.parametrize("language", ["", "en"])
def test_overview_counts_equal_the_database(app, language):
    write_articles(app)
    seed(app)
    desk = staff_client(app)
    query = {"date_from": FIRST.isoformat(), "date_to": LAST.isoformat(), "language": language}
    response = desk.get("/admin/overview", query_string=query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    end = datetime.combine(LAST + timedelta(days=1), time.min)
    first = datetime.combine(FIRST, time.min)
    lang_sql = " AND language = :language" if language else ""
    params = {"first": first, "end": end, "language": language}

    weekly = table(html, "weekly")
    assert len(weekly) == 12
    for week in range(12):
        monday = first + timedelta(weeks=week)
        key = f"{monday.isocalendar().week} ({monday.date().isoformat()})"
        leads = count(app, "SELECT count(*) FROM leads WHERE created_at >= :a AND "
                      "created_at < :b" + lang_sql, a=monday, b=monday + timedelta(weeks=1),
                      language=language)
        meetings = count(app, "SELECT count(*) FROM bookings WHERE status = 'confirmed' AND "
                         "starts_at >= :a AND starts_at < :b AND starts_at < :end" + lang_sql,
                         a=monday, b=monday + timedelta(weeks=1), end=end, language=language)
        assert weekly[key] == [leads, meetings], key
    total = count(app, f"SELECT count(*) FROM leads WHERE {LEADS_IN}{lang_sql}", **params)
    assert sum(row[0] for row in weekly.values()) == total > 0

    funnel = table(html, "funnel")
    same = "lower(email) IN (SELECT lower(email) FROM bookings WHERE replaced_by IS NULL)"
    held = ("lower(email) IN (SELECT lower(b.email) FROM bookings b JOIN booking_follow_ups f "
            "ON f.booking_id = b.id WHERE b.status = 'confirmed' AND "
            "f.status IN ('held', 'won', 'lost'))")
    expected = [total] + [
        count(app, f"SELECT count(*) FROM leads WHERE {LEADS_IN}{lang_sql} AND {condition}",
              **params)
        for condition in ("confirmed_at IS NOT NULL", same, held)]
    assert [row[0] for row in funnel.values()] == expected
    assert list(funnel) == ["Anmälde sig", "Bekräftade adressen", "Bokade möte",
                            "Möte genomfört"]
    assert expected[2] > expected[3] > 0 or language  # every step is seeded

    sources = table(html, "utm-sources")
    for value in ("linkedin", "google"):
        assert sources.get(value, [0]) == [count(
            app, f"SELECT count(*) FROM leads WHERE {LEADS_IN}{lang_sql} AND utm_source = :v",
            v=value, **params)], value
    assert sources.get("(ingen)", [0]) == [count(
        app, f"SELECT count(*) FROM leads WHERE {LEADS_IN}{lang_sql} AND utm_source IS NULL",
        **params)]
    campaigns = table(html, "utm-campaigns")
    assert campaigns["host"] == [count(
        app, f"SELECT count(*) FROM leads WHERE {LEADS_IN}{lang_sql} AND utm_campaign = 'host'",
        **params)]

    languages = table(html, "languages")
    for code in ("sv", "en"):
        expected_count = count(app, f"SELECT count(*) FROM leads WHERE {LEADS_IN} AND "
                               "language = :code", code=code, **params)
        if not language or code == language:
            assert languages[code] == [expected_count]
        else:
            assert code not in languages

    # Articles by the build's title (in the desk's language, Swedish here); an unknown
    # address by its path; a lead with no page as such.
    articles = table(html, "articles")

    def from_page(pattern):
        return count(app, f"SELECT count(*) FROM leads WHERE {LEADS_IN}{lang_sql} AND "
                     "page_url LIKE :p", p=pattern, **params)

    # Both language versions of one article count together, under the desk's language.
    assert articles["Kvalitet i praktiken"] == [
        from_page("%/artiklar/kvalitet-i-praktiken/%")
        + from_page("%/en/articles/quality-in-practice/%")]
    assert "Quality in practice" not in articles
    assert articles["Miljöledning"] == [from_page("%/artiklar/miljo/%")]
    assert articles["/gammal-artikel/"] == [from_page("%/gammal-artikel/%")]
    assert articles["(ingen sida)"] == [count(
        app, f"SELECT count(*) FROM leads WHERE {LEADS_IN}{lang_sql} AND page_url IS NULL",
        **params)]
    assert sum(row[0] for row in articles.values()) == total

    # This week's and next week's meetings per consultant, in Stockholm weeks.
    zone = ZoneInfo("Europe/Stockholm")
    today = datetime.now(zone).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), time.min, zone)
    bounds = [(monday + timedelta(weeks=n)).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
              for n in range(3)]
    consultants = table(html, "consultants")
    for key, name in (("anna", "Anna Lindqvist"), ("erik", "Erik Sandberg")):
        weeks = [count(app, "SELECT count(*) FROM bookings WHERE status = 'confirmed' AND "
                       "consultant = :k AND starts_at >= :a AND starts_at < :b" + lang_sql,
                       k=key, a=bounds[n], b=bounds[n + 1], language=language)
                 for n in range(2)]
        assert consultants.get(name, [0, 0]) == weeks, name


def test_overview_is_the_home_page_with_charts_beside_their_tables(app):
    write_articles(app)
    seed(app)
    desk = staff_client(app)
    home = desk.get("/admin/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/admin/overview")
    html = desk.get("/admin/overview").get_data(as_text=True)
    soup = BeautifulSoup(html, "lxml")
    assert soup.find("script") is None and soup.find("style") is None
    panels = soup.select("section.desk-panel")
    charts = soup.select(".desk-chart svg")
    assert len(charts) == 7  # 5 of leads and meetings, 2 of readers (readers/report.py)
    for svg in charts:
        assert svg["role"] == "img" and svg["aria-label"]
        panel = svg.find_parent("section")
        assert panel.find("table"), svg["aria-label"]
    assert len(panels) == 10  # 6, and the readers' 4
    # The default range is the last twelve weeks, to today.
    assert len(table(html, "weekly")) == 12
    assert soup.select_one("#date_to")["value"] == utcnow().date().isoformat()
    english = desk.get("/admin/overview?lang=en").get_data(as_text=True)
    assert "Leads by source article" in english and "Signed up" in english
    # Titles come from the build's index: the Swedish title in Swedish, English in English.
    assert "Kvalitet i praktiken" in html
    assert "Quality in practice" in english


def test_the_language_filter_changes_the_charts(app):
    seed(app)
    desk = staff_client(app)
    query = {"date_from": FIRST.isoformat(), "date_to": LAST.isoformat()}
    every = desk.get("/admin/overview", query_string=query).get_data(as_text=True)
    english = desk.get("/admin/overview", query_string={**query, "language": "en"}
                       ).get_data(as_text=True)
    charts = [str(svg) for svg in BeautifulSoup(every, "lxml").select(".desk-chart svg")]
    english_charts = [str(svg) for svg in BeautifulSoup(english, "lxml")
                      .select(".desk-chart svg")]
    assert charts[0] != english_charts[0]
    assert sum(r[0] for r in table(english, "weekly").values()) < sum(
        r[0] for r in table(every, "weekly").values())


@pytest.mark.parametrize("query, weeks", [
    ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, None),
    ({"date_from": "2026-11-29", "date_to": "2026-11-02"}, 4),  # swapped: still the range
    ({"date_from": "1900-01-01", "date_to": "2026-11-29"}, 157),
])
def test_overview_keeps_the_range_sensible(sqlite_app, query, weeks):
    desk = staff_client(sqlite_app)
    response = desk.get("/admin/overview", query_string=query)
    assert response.status_code == 200
    shown = len(table(response.get_data(as_text=True), "weekly"))
    assert shown == weeks if weeks else 0 < shown <= 158
