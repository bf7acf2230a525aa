"""/forms/dev/mail: the mail written in development, listed and rendered with working links."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from forms_helpers import make_app, pending_mail, serve_site_with_forms

from forms_service.outbox import process_outbox


@pytest.fixture
def dev_app(build_app):
    return build_app(SITE_URL="http://127.0.0.1:8000")


def _page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "lxml")


def _sign_up(client, lang):
    origin = client.application.config["SITE_URL"]
    token = client.get("/csrf").get_json()["csrf_token"]
    response = client.post(
        "/ebook",
        data={"name": "Anna Andersson", "email": f"anna.{lang}@example.com", "consent": "y",
              "lang": lang, "elapsed": "5000"},
        headers={"Accept": "application/json", "Origin": origin,
                 "X-CSRFToken": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def _forms_path(url):
    """The path of a link to the forms service, as the test client (mounted at /) sees it."""
    path = urlsplit(url).path
    assert path.startswith("/forms/")
    return path.removeprefix("/forms")


def test_lists_nothing_before_any_mail(dev_app):
    page = _page(dev_app.test_client().get("/dev/mail/?lang=sv"))
    assert page.select_one("p.empty").get_text() == "Inga mejl ännu."
    assert page.html["lang"] == "sv"


def test_lists_each_mail_newest_first(dev_app):
    client = dev_app.test_client()
    _sign_up(client, "sv")
    pending_mail(dev_app)
    _sign_up(client, "en")
    pending_mail(dev_app)
    page = _page(client.get("/dev/mail/?lang=en"))
    rows = page.select("tr.mail")
    assert [row.select("td")[1].get_text() for row in rows] == [
        "anna.en@example.com", "anna.sv@example.com"]
    assert [row.select_one("a").get_text() for row in rows] == [
        "Your e-book from Normkraft", "Din e-bok från Normkraft"]
    assert page.select_one("th").get_text() == "Date"


def test_a_mail_is_rendered_with_links_that_work(dev_app):
    client = dev_app.test_client()
    _sign_up(client, "sv")
    pending_mail(dev_app)
    (eml,) = (Path(dev_app.instance_path) / "mail").glob("*.eml")
    raw = eml.read_text(encoding="ascii")
    listing = _page(client.get("/dev/mail/?lang=sv"))
    page = _page(client.get(listing.select_one("tr.mail a")["href"]))

    assert page.select_one("h1").get_text() == "Din e-bok från Normkraft"
    frame = BeautifulSoup(page.select_one("iframe.mail-html")["srcdoc"], "lxml")
    html_link = frame.select_one("a")["href"]
    text_link = page.select_one("pre.mail-text a")["href"]
    assert html_link == text_link
    assert frame.select_one("base")["target"] == "_top"  # links leave the sandboxed frame
    # The raw file is quoted-printable: the link is broken over lines there ("...=\n...").
    assert text_link not in raw
    assert "ä" not in raw and "ä" in page.select_one("pre.mail-text").get_text()

    download = client.get(_forms_path(text_link))
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    download.close()


@pytest.mark.parametrize(
    "overrides",
    [{"SMTP_URL": "smtp://127.0.0.1:2525?tls=none"}, {"SITE_URL": "https://www.normkraft.se"}],
    ids=["smtp", "public-site"],
)
def test_refused_outside_development(tmp_path, overrides, build_app):
    app = build_app(**overrides)
    client = app.test_client()
    (mail := tmp_path / "instance" / "mail").mkdir(parents=True)
    (mail / "a.eml").write_bytes(b"Subject: secret\r\n\r\nhello\r\n")
    assert client.get("/dev/mail/").status_code == 404
    assert client.get("/dev/mail/a.eml").status_code == 404


@pytest.mark.parametrize("name", ["nope.eml", "..%2Fsecret_key", "secret_key", "%2E%2E"])
def test_only_mail_files_are_shown(dev_app, name):
    assert dev_app.test_client().get(f"/dev/mail/{name}").status_code == 404


@pytest.fixture
def served_dev_app(tmp_path, ebook_source):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Start</title>", encoding="utf-8")
    yield from serve_site_with_forms(
        site, lambda origin: make_app(tmp_path, ebook_source, SITE_URL=origin)
    )


def test_in_the_browser_the_mails_link_opens_the_ebook(served_dev_app, chromium):
    origin, app = served_dev_app
    _sign_up(app.test_client(), "en")
    with app.test_request_context(base_url=origin + "/forms"):  # links to this server
        process_outbox()
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(origin + "/forms/dev/mail/?lang=en")
        page.get_by_role("link", name="Your e-book from Normkraft").click()
        page.wait_for_url(origin + "/forms/dev/mail/*.eml?lang=en")
        frame = page.frame_locator("iframe.mail-html")
        link = frame.get_by_role("link", name="Download the e-book")
        with page.expect_response(lambda r: "/forms/ebook/download/" in r.url) as answer:
            link.click()
        assert answer.value.status == 200
        assert answer.value.headers["content-type"] == "application/pdf"
        # The link opened in the whole window, not inside the mail's frame.
        page.wait_for_url(origin + "/forms/ebook/download/*")
    finally:
        context.close()
