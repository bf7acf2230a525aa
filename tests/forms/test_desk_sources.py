"""The source, readable: the article's title and standard, UTM chips and the referrer's host,
in the lists, the person view and the exports (with times in Stockholm time)."""

import csv
import io
import json
from datetime import datetime, timedelta

from bs4 import BeautifulSoup
from desk_helpers import add_booking, add_lead, staff_client

ARTICLES = {
    "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/": {
        "title": "Skillnaden mellan ISO 9000 och ISO 9001", "lang": "sv", "standard": "iso9001",
        "translation_key": "iso-9000-vs-iso-9001"},
    "/en/articles/difference-between-iso-9000-and-iso-9001/": {
        "title": "The difference between ISO 9000 and ISO 9001", "lang": "en",
        "standard": "iso9001", "translation_key": "iso-9000-vs-iso-9001"},
}
CAMPAIGN_URL = ("http://localhost/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/"
                "?utm_source=linkedin&utm_medium=social&utm_campaign=hosten")


def write_articles(app):
    with open(app.config["DESK_ARTICLES_FILE"], "w", encoding="utf-8") as fh:
        json.dump({"version": 1, "articles": ARTICLES}, fh)


def chips(cell):
    return [" ".join(li.get_text(" ", strip=True).split()) for li in cell.select(".desk-chip")]


def test_lists_and_person_show_title_standard_chips_and_referrer(app):
    write_articles(app)
    desk = staff_client(app)
    lead = add_lead(app, email="a@example.com", name="Anna", page_url=CAMPAIGN_URL,
                    utm_source="linkedin", utm_medium="social", utm_campaign="hosten",
                    referrer="https://www.linkedin.com/feed/?x=1")
    add_lead(app, email="b@example.com", name="Old", page_url="http://localhost/gammal/?a=1")
    booking = add_booking(app, email="a@example.com", page_url=CAMPAIGN_URL,
                          utm_source="linkedin", referrer="https://www.google.com/",
                          bot_signals="fast,honeypot")

    soup = BeautifulSoup(desk.get("/admin/leads").get_data(as_text=True), "lxml")
    rows = {tr.select_one("a[href*='/people/']").get_text(): tr.find_all("td")
            for tr in soup.select("tbody tr")}
    anna = rows["Anna"]
    assert anna[4].get_text(strip=True) == "ISO 9001"
    link = anna[5].find("a")
    assert link.get_text() == "Skillnaden mellan ISO 9000 och ISO 9001"
    assert link["href"] == "http://localhost/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/"
    assert chips(anna[5]) == ["Källa linkedin", "Medium social", "Kampanj hosten",
                              "Hänvisande sida www.linkedin.com"]
    assert "utm_source" not in anna[5].get_text()
    # An address the site does not know (an old article) is shown as its path.
    assert rows["Old"][5].get_text(strip=True) == "/gammal/"
    assert rows["Old"][4].get_text(strip=True) == ""

    english = BeautifulSoup(desk.get("/admin/leads?lang=en").get_data(as_text=True), "lxml")
    (link,) = [a for a in english.select("td.desk-source a") if "/gammal/" not in a["href"]]
    assert link.get_text() == "The difference between ISO 9000 and ISO 9001"
    assert link["href"].endswith("/en/articles/difference-between-iso-9000-and-iso-9001/")

    bookings = BeautifulSoup(desk.get("/admin/bookings?lang=sv").get_data(as_text=True), "lxml")
    cell = bookings.select_one("td.desk-source")
    assert cell.find("a").get_text() == "Skillnaden mellan ISO 9000 och ISO 9001"
    assert chips(cell) == ["Källa linkedin", "Hänvisande sida www.google.com"]
    assert "Anna Lindqvist" in bookings.get_text()  # the consultant by name
    assert "Möjlig bot: fast, honeypot" in bookings.get_text()

    person = BeautifulSoup(desk.get(f"/admin/people/lead/{lead}").get_data(as_text=True),
                           "lxml")
    sources = person.select("dd.desk-source")
    assert [s.find("a").get_text() for s in sources] == [
        "Skillnaden mellan ISO 9000 och ISO 9001"] * 2
    assert "Anna Lindqvist" in person.get_text()
    detail = desk.get(f"/admin/bookings/{booking}").get_data(as_text=True)
    assert "Skillnaden mellan ISO 9000 och ISO 9001" in detail


def test_without_the_index_the_path_is_shown(app):
    desk = staff_client(app)
    add_lead(app, email="a@example.com", name="Anna", page_url=CAMPAIGN_URL)
    soup = BeautifulSoup(desk.get("/admin/leads").get_data(as_text=True), "lxml")
    cell = soup.select_one("td.desk-source")
    assert cell.find("a").get_text() == "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/"


def parse_csv(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_exports_have_stockholm_times_names_and_attribution(app):
    write_articles(app)
    desk = staff_client(app)
    winter = datetime(2026, 1, 15, 8, 0)  # 09:00 in Stockholm (CET)
    summer = datetime(2026, 7, 1, 12, 0)  # 14:00 in Stockholm (CEST)
    add_lead(app, email="a@example.com", name="Anna", page_url=CAMPAIGN_URL,
             utm_source="linkedin", utm_medium="social", utm_campaign="=hosten",
             referrer="https://www.linkedin.com/", created_at=winter, last_requested_at=winter)
    add_booking(app, email="b@example.com", consultant="erik", starts_at=summer,
                ends_at=summer + timedelta(minutes=45), page_url=CAMPAIGN_URL,
                utm_source="newsletter", utm_medium="email", utm_campaign="december",
                referrer="https://mail.example.com/inbox", topics="iso9001,iso14001")

    (lead,) = parse_csv(desk.get("/admin/export/leads.csv"))
    assert lead["created_at"] == "2026-01-15T09:00:00+01:00"
    assert datetime.fromisoformat(lead["created_at"]).utcoffset() == timedelta(hours=1)
    assert lead["time_zone"] == "Europe/Stockholm"
    assert lead["article_title"] == "Skillnaden mellan ISO 9000 och ISO 9001"
    assert lead["article_path"] == "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/"
    assert lead["standard"] == "ISO 9001"
    assert (lead["utm_source"], lead["utm_medium"]) == ("linkedin", "social")
    assert lead["utm_campaign"] == "'=hosten"  # the formula guard stays
    assert lead["referrer_host"] == "www.linkedin.com"
    assert lead["status"] == "unconfirmed"

    (booking,) = parse_csv(desk.get("/admin/export/bookings.csv"))
    assert booking["starts_at"] == "2026-07-01T14:00:00+02:00"
    assert booking["ends_at"] == "2026-07-01T14:45:00+02:00"
    assert booking["time_zone"] == "Europe/Stockholm"
    assert booking["consultant"] == "Erik Sandberg"
    assert booking["stage"] == "booked"
    assert booking["topics"] == "ISO 9001, ISO 14001"
    assert booking["article_title"] == "Skillnaden mellan ISO 9000 och ISO 9001"
    assert (booking["utm_source"], booking["utm_medium"], booking["utm_campaign"]) == (
        "newsletter", "email", "december")
    assert booking["referrer"] == "https://mail.example.com/inbox"
    assert booking["referrer_host"] == "mail.example.com"

    (item,) = desk.get("/admin/export/bookings.json?lang=en").get_json()
    assert item["starts_at"] == "2026-07-01T14:00:00+02:00"
    assert item["article_title"] == "The difference between ISO 9000 and ISO 9001"
    assert item["consultant"] == "Erik Sandberg"
    # An empty export still has its header.
    rows = desk.get("/admin/export/bookings.csv?q=nobody").get_data().decode("utf-8-sig")
    assert rows.splitlines()[0].startswith("id,starts_at,ends_at,time_zone,stage,consultant")
