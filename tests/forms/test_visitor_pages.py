"""The visitor pages of the service (issue 19): valid HTML, unique ids, the site's frame,
the meeting page (move first, cancel asks), the wording, and the mails' headers."""

import re
from collections import Counter
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from booking_helpers import CSRF, Visitor, booking_app, bookings, manage_url
from bs4 import BeautifulSoup
from forms_helpers import SITE, Signup, pending_mail, wait_for
from page_checks import vnu_errors

PLAIN = {"Origin": SITE, "Referer": SITE + "/en/artiklar/iso-9001/",
         "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def app(tmp_path, ebook_source, closing):
    """The booking app on SQLite (this module's, in place of conftest.py's sign-up app)."""
    return closing(booking_app(tmp_path, ebook_source))


def mails(app):
    """The mails the outbox wrote as .eml files (no SMTP configured), parsed."""
    files = sorted((Path(app.instance_path) / "mail").glob("*.eml"))
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]


def booked(app, lang="sv", tz="Europe/Stockholm"):
    """One booking; returns (client, its manage link)."""
    client = app.test_client()
    assert Visitor(client).book(lang=lang, tz=tz).status_code == 200
    return client, manage_url(app, len(bookings(app)))


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def token_of(response):
    return CSRF.findall(response.get_data(as_text=True))[-1]


def service_pages(app):
    """{name: response} for every kind of visitor page, in both languages where it matters."""
    pages = {}
    client, link = booked(app, "sv")
    for lang in ("sv", "en"):
        pages[f"manage-{lang}"] = client.get(f"{link}?lang={lang}")
        pages[f"booking-form-{lang}"] = client.get(f"/booking?lang={lang}")
        pages[f"ebook-form-{lang}"] = client.post(
            "/ebook", data={"name": "Bo", "email": "bo@example.com", "consent": "y",
                            "lang": lang}, headers=PLAIN)
        pages[f"ebook-thanks-{lang}"] = client.get(
            f"/ebook/thanks?lang={lang}&page={SITE}/artiklar/iso-9001/")
        pages[f"booking-thanks-{lang}"] = client.get(f"/booking/thanks?lang={lang}")
    token = token_of(pages["manage-sv"])
    pages["move-without-time"] = client.post(f"{link}/move", data={"csrf_token": token},
                                             headers={"Origin": SITE})
    pages["cancel-question"] = client.post(f"{link}/cancel", data={"csrf_token": token},
                                           headers={"Origin": SITE})
    pages["booking-form-errors"] = client.post(
        "/booking", data=Visitor(client).fields(email="bo@", csrf_token=token),
        headers={"Origin": SITE})
    pages["booking-link-problem"] = client.get("/booking/manage/nonsense?lang=en")
    pages["ebook-link-problem"] = client.get("/ebook/download/nonsense?lang=sv")
    pages["moved"] = client.get("/booking/moved?lang=sv")
    client.post(f"{link}/cancel", data={"csrf_token": token, "confirm": "yes"},
                headers={"Origin": SITE})
    pages["manage-cancelled"] = client.get(link)
    return pages


def test_every_visitor_page_passes_the_nu_checker_with_unique_ids(app, tmp_path):
    pages = service_pages(app)
    assert {name: r.status_code for name, r in pages.items() if r.status_code >= 500} == {}
    folder = tmp_path / "pages"
    folder.mkdir()
    repeated = {}
    for name, response in pages.items():
        (folder / f"{name}.html").write_bytes(response.get_data())
        ids = Counter(tag["id"] for tag in soup(response).find_all(id=True))
        if any(n > 1 for n in ids.values()):
            repeated[name] = sorted(i for i, n in ids.items() if n > 1)
    assert (repeated, vnu_errors(folder)) == ({}, [])


def links(tag):
    return [(a["href"].removeprefix(SITE), a.get_text()) for a in tag.find_all("a")]


@pytest.mark.parametrize("lang, site_page", [("sv", "om-oss/index.html"),
                                             ("en", "en/about/index.html")])
def test_the_no_js_ebook_page_has_the_sites_frame(app, built_site, lang, site_page):
    page = soup(app.test_client().post(
        "/ebook", data={"name": "Bo", "email": "bo@example.com", "lang": lang}, headers=PLAIN))
    site = BeautifulSoup((built_site / site_page).read_text(encoding="utf-8"), "html.parser")
    assert page.find("a", class_="skip-link")["href"] == "#main"
    # The same menu as the site's own pages, in the same order.
    assert links(page.select_one("header nav.main-nav")) == links(
        site.select_one("header nav.main-nav"))
    assert page.select_one("header nav.main-nav")["aria-label"] == site.select_one(
        "header nav.main-nav")["aria-label"]
    switch = ["Svenska", "English"]
    # Switching language leads to the site's e-book page in that language (a POST answer
    # cannot be fetched again).
    languages = page.select("nav.language-switcher a")
    assert [a.get_text() for a in languages] == switch
    assert [a["href"] for a in languages] == [SITE + "/e-bok/", SITE + "/en/ebook/"]
    assert page.select_one("nav.language-switcher a[aria-current]")["lang"] == lang
    assert page.select_one("main#main.service-page h1")
    assert "support@normkraft.se" in page.select_one("footer.site-footer").get_text()


@pytest.mark.parametrize("lang, back", [
    ("sv", "Tillbaka till sidan du läste"), ("en", "Back to the page you were reading")])
def test_the_thank_you_page_leads_back_to_the_article(app, lang, back):
    client = app.test_client()
    first = client.post("/ebook", data={"name": "Bo", "email": "bo@example.com",
                                        "consent": "y", "lang": lang}, headers=PLAIN)
    fields = {tag["name"]: tag.get("value", "") for tag in soup(first).select(
        "form.ebook-form input[type=hidden]")}
    app.config["MIN_FILL_SECONDS"] = 0
    answer = client.post("/ebook", data={**fields, "name": "Bo", "email": "bo@example.com",
                                         "consent": "y"}, headers=PLAIN)
    assert answer.status_code == 303
    thanks = soup(client.get(answer.headers["Location"]))
    assert thanks.find("a", string=back)["href"] == SITE + "/en/artiklar/iso-9001/"


@pytest.mark.parametrize("page", ["https://evil.example/", "javascript:alert(1)", ""])
def test_the_thank_you_page_links_only_to_our_site(app, page):
    thanks = soup(app.test_client().get(f"/ebook/thanks?lang=en&page={page}"))
    assert thanks.find("a", string="Back to the page you were reading") is None
    assert thanks.find("a", string="Back to the website")["href"] == SITE + "/en/"


MOVE = {"sv": ("Flytta mötet", "Avboka mötet…"), "en": ("Move the meeting", "Cancel the meeting…")}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_moving_is_the_main_action_and_cancelling_comes_second(app, lang):
    client, link = booked(app, lang)
    page = soup(client.get(link))
    main = page.find("main")
    assert [h.get_text() for h in main.find_all("h2")][:1] == [MOVE[lang][0]]
    buttons = main.find_all("button", type="submit")
    assert "/move" in buttons[0].find_parent("form")["action"]
    assert buttons[0]["class"] == ["button"]
    (cancel,) = [b for b in buttons if b.get_text() == MOVE[lang][1]]
    assert "button-secondary" in cancel["class"]
    # The first cancel form only asks: it has no confirm=yes.
    assert cancel.find_parent("form").find("input", attrs={"name": "confirm"}) is None


ASK = {"sv": ("Vill du avboka mötet?", "Ja, avboka mötet", "Nej, behåll mötet"),
       "en": ("Cancel the meeting?", "Yes, cancel the meeting", "No, keep the meeting")}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_without_javascript_cancelling_asks_on_a_page_first(app, lang):
    client, link = booked(app, lang)
    token = token_of(client.get(link))
    asked = client.post(f"{link}/cancel", data={"csrf_token": token}, headers={"Origin": SITE})
    assert asked.status_code == 200
    page = soup(asked)
    question, yes, no = ASK[lang]
    assert page.find("h2").get_text() == question
    form = page.find("button", string=yes).find_parent("form")
    assert form["method"] == "post" and urlsplit(form["action"]).path == f"{link}/cancel"
    sent = {i["name"]: i["value"] for i in form.find_all("input")}
    # A fresh signature of the session's token (it carries a time stamp).
    assert sorted(sent) == ["confirm", "csrf_token"] and sent["confirm"] == "yes"
    assert sent["csrf_token"].split(".")[0] == token.split(".")[0]
    assert urlsplit(page.find("a", string=no)["href"]).path == link
    assert bookings(app)[0].status == "confirmed"
    # Without the token the answer is refused; with it, the meeting is cancelled.
    refused = client.post(f"{link}/cancel", data={"confirm": "yes"}, headers={"Origin": SITE})
    assert refused.status_code == 400 and bookings(app)[0].status == "confirmed"
    done = client.post(form["action"], data=sent, headers={"Origin": SITE})
    assert done.status_code == 303
    assert bookings(app)[0].status == "cancelled"


def test_asking_about_a_meeting_already_cancelled_says_so(app):
    client, link = booked(app, "en")
    token = token_of(client.get(link))
    client.post(f"{link}/cancel", data={"csrf_token": token, "confirm": "yes"},
                headers={"Origin": SITE})
    again = client.post(f"{link}/cancel", data={"csrf_token": token}, headers={"Origin": SITE})
    assert again.status_code == 409
    assert "This meeting was changed in the meantime" in again.get_data(as_text=True)


MISSING = {"sv": ("Du valde ingen ny tid. Välj en tid i listan nedan och tryck på knappen igen.",
                  "Välj en tid."),
           "en": ("You did not pick a new time. Pick one in the list below and press the "
                  "button again.", "Please pick a time.")}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_moving_without_a_time_says_what_is_missing(app, lang):
    client, link = booked(app, lang)
    answer = client.post(f"{link}/move", data={"csrf_token": token_of(client.get(link))},
                         headers={"Origin": SITE})
    assert answer.status_code == 422
    page = soup(answer)
    notice, field = MISSING[lang]
    assert page.select_one("[role=alert]").get_text() == notice
    fieldset = page.select_one("fieldset.booking-slots")
    assert fieldset["aria-describedby"] == "booking-start-error"
    assert fieldset.select_one("#booking-start-error").get_text() == field
    assert [b.status for b in bookings(app)] == ["confirmed"]


ZONES = [
    ("sv", "Europe/Stockholm", "Tiderna visas i svensk tid (Europe/Stockholm)."),
    ("en", "Europe/Stockholm", "Times are shown in Swedish time (Europe/Stockholm)."),
    ("sv", "America/New_York", "Tiderna visas i östnordamerikansk tid (America/New_York)."),
    ("en", "America/New_York", "Times are shown in Eastern Time (America/New_York)."),
    ("en", "UTC", "Times are shown in UTC."),
]


@pytest.mark.parametrize("lang, zone, text", ZONES)
def test_the_meeting_page_names_the_zone_once_in_words(app, lang, zone, text):
    client, link = booked(app, lang, tz=zone)
    assert soup(client.get(link)).select_one(".booking-zone").get_text() == text


@pytest.mark.parametrize("lang, text", [
    ("sv", "Tiderna visas i svensk tid (Europe/Stockholm)."),
    ("en", "Times are shown in Swedish time (Europe/Stockholm)."),
])
def test_the_booking_form_names_the_zone_once_in_words(app, lang, text):
    page = soup(app.test_client().get(f"/booking?lang={lang}"))
    assert page.select_one(".booking-zone").get_text() == text


@pytest.mark.parametrize("lang, text", [
    ("sv", "Tack! Vi hör av oss snart!"), ("en", "Thank you! You will hear from us soon!")])
def test_the_booking_confirmation_wording(app, lang, text):
    answer = Visitor(app.test_client()).book(lang=lang)
    assert answer.get_json() == {"ok": True, "message": text, "errors": {}}


@pytest.mark.parametrize("lang, text", [
    ("sv", "Tack! Nu får du snart ett mejl från oss!"),
    ("en", "Thank you! You will soon get an e-mail from us!")])
def test_the_ebook_confirmation_wording(app, lang, text):
    answer = Signup(app.test_client()).json(lang=lang)
    assert answer.get_json()["message"] == text
    page = soup(app.test_client().get(f"/ebook/thanks?lang={lang}"))
    assert page.select_one("[role=status]").get_text() == text


def test_no_swedish_text_says_ett_e_post():
    from site_helpers import ROOT

    from forms_service.i18n import CATALOG_DIR

    catalogs = [*CATALOG_DIR.glob("sv/LC_MESSAGES/*.po"),
                *(ROOT / "theme" / "translations").glob("sv/LC_MESSAGES/*.po")]
    assert len(catalogs) == 2
    for path in catalogs:
        assert not re.search(r"\b(ett|ditt|vårt|nytt) e-post\b", path.read_text()), path


def test_every_mail_has_a_known_zone_auto_submitted_and_a_proper_html_head(app):
    client = app.test_client()
    assert Visitor(client).book(lang="en").status_code == 200
    assert Signup(client).json(lang="sv", email="bo@example.com").status_code == 200
    assert pending_mail(app) == (3, 0)
    sent = mails(app)
    assert sorted(m["Subject"] for m in sent) == [
        "Din e-bok från Normkraft", "Nytt möte bokat: Ek AB",
        "Your meeting with Normkraft is booked"]
    for msg in sent:
        assert msg["Auto-Submitted"] == "auto-generated", msg["Subject"]
        date = msg["Date"]
        assert date.endswith(" +0000"), date
        assert parsedate_to_datetime(date).utcoffset().total_seconds() == 0
        html = msg.get_body(("html",))
        if html is None:
            continue  # the sales notification is plain text
        head = BeautifulSoup(html.get_content(), "html.parser").find("head")
        assert head is not None, msg["Subject"]
        assert head.find("meta", charset=True)["charset"].lower() == "utf-8"
        assert head.find("title").get_text() == msg["Subject"]


def test_the_cancellation_mail_has_its_own_title(app):
    client, link = booked(app, "sv")
    client.post(f"{link}/cancel", data={"csrf_token": token_of(client.get(link)),
                                        "confirm": "yes"}, headers={"Origin": SITE})
    pending_mail(app)
    (cancel,) = [m for m in mails(app) if m["Subject"] == "Ditt möte med Normkraft är avbokat"]
    html = BeautifulSoup(cancel.get_body(("html",)).get_content(), "html.parser")
    assert html.find("title").get_text() == cancel["Subject"]
    assert cancel["Auto-Submitted"] == "auto-generated"


def test_the_language_switch_of_the_meeting_page_keeps_the_meeting(app):
    client, link = booked(app, "sv")
    page = soup(client.get(link))
    english = page.select_one("nav.language-switcher a[lang=en]")["href"]
    assert urlsplit(english).path == link
    assert parse_qs(urlsplit(english).query) == {"lang": ["en"]}
    assert soup(client.get(english)).find("html")["lang"] == "en"


def test_send_marks_any_mail_auto_submitted_over_smtp(app, smtp_server):
    """Mails built elsewhere (the desk's digest) get the header from send() as well."""
    from email.message import EmailMessage

    from forms_service.mailer import send

    handler, port, _, _ = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?tls=none"
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "no-reply@normkraft.se", "sales@normkraft.se", "x"
    msg.set_content("x")
    with app.app_context():
        send(msg)
    assert wait_for(lambda: len(handler.messages) == 1)
    assert handler.messages[0]["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize("method, path, status", [
    ("get", "/no-such-page?lang=en", 404), ("get", "/ebook", 405),
    ("post", "/booking/manage/x/cancel?lang=en", 400)])
def test_error_pages_are_in_the_frame_too(app, method, path, status):
    answer = getattr(app.test_client(), method)(path, headers={"Origin": SITE})
    assert answer.status_code == status
    page = soup(answer)
    assert page.select_one("footer.site-footer")
    switch = {a["lang"]: a["href"] for a in page.select("nav.language-switcher a")}
    assert set(switch) == {"sv", "en"}
