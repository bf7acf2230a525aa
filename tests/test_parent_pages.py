"""The parent pages of the URL scheme (/artiklar/, /amne/, /skribenter/ and their English
versions), and what readers meet around the articles: calls to action, the "More articles"
block, British English dates and search excerpts of the article text only."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from site_helpers import build_fixture, parse

ORIGIN = "http://127.0.0.1:8000"
BAND_SV = "Gör som företagen vi redan har hjälpt till certifiering"
BAND_EN = "Join the organisations we have helped to certification"
PARENTS = {
    # kind: (Swedish path, English path)
    "articles": ("artiklar/", "en/articles/"),
    "topics": ("amne/", "en/topics/"),
    "authors": ("skribenter/", "en/authors/"),
}


def _main_links(soup, selector):
    return [a["href"] for a in soup.select(f"main {selector} a")]


def _json_ld(soup):
    data = json.loads(soup.find("script", type="application/ld+json").string)
    return {item["@type"]: item for item in data["@graph"]}


@pytest.mark.parametrize(
    ("path", "lang", "h1"),
    [
        ("artiklar/", "sv", "Alla artiklar"),
        ("amne/", "sv", "Alla ämnen"),
        ("skribenter/", "sv", "Alla skribenter"),
        ("en/articles/", "en", "All articles"),
        ("en/topics/", "en", "All topics"),
        ("en/authors/", "en", "All authors"),
    ],
)
def test_every_parent_folder_has_a_page_in_its_language(fixture_site, path, lang, h1):
    soup = parse(fixture_site / path / "index.html")
    assert soup.html["lang"] == lang
    assert soup.h1.get_text() == h1
    assert soup.select_one("link[rel=canonical]")["href"] == f"{ORIGIN}/{path}"
    assert soup.find("meta", attrs={"name": "robots"}) is None


def test_all_articles_lists_every_article_of_the_language_newest_first(fixture_site):
    sv = _main_links(parse(fixture_site / "artiklar/index.html"), ".archive-list")
    assert sv == [
        "/artiklar/vad-kostar-en-certifiering/",
        "/artiklar/miljoledning-med-iso-14001/",
        "/artiklar/kvalitet-i-praktiken/",
    ]
    en = parse(fixture_site / "en/articles/index.html")
    assert _main_links(en, ".archive-list") == [
        "/en/articles/environmental-management-with-iso-14001/",
        "/en/articles/quality-in-practice/",
    ]
    assert [t.get_text() for t in en.select(".archive-list time")] == [
        "1 February 2024",
        "20 October 2023",
    ]
    assert [h.get_text() for h in en.select(".archive-year h2")] == ["2024", "2023"]


def test_all_articles_is_paginated_like_the_other_listings(tmp_path):
    site = build_fixture(
        tmp_path / "out",
        PAGINATED_TEMPLATES={"index": None, "category": None, "author": None, "archives": 2},
    )
    first, second = parse(site / "artiklar/index.html"), parse(site / "artiklar/2/index.html")
    assert len(first.select(".archive-list li")) == 2
    assert _main_links(second, ".archive-list") == ["/artiklar/kvalitet-i-praktiken/"]
    assert first.select_one(".pagination a[rel=next]")["href"] == "/artiklar/2/"
    assert second.select_one("link[rel=canonical]")["href"] == f"{ORIGIN}/artiklar/2/"
    assert not (site / "en/articles/2").exists()


def test_all_articles_is_paginated_when_the_settings_forget_it(tmp_path):
    site = build_fixture(
        tmp_path / "out",
        PAGINATED_TEMPLATES={"index": None, "category": None, "author": None},
        DEFAULT_PAGINATION=2,
    )
    assert len(parse(site / "artiklar/index.html").select(".archive-list li")) == 2
    assert _main_links(parse(site / "artiklar/2/index.html"), ".archive-list") == [
        "/artiklar/kvalitet-i-praktiken/"
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("amne/", [("/amne/iso-14001/", "1 artikel"), ("/amne/iso-9001/", "1 artikel"),
                   ("/amne/ledningssystem/", "1 artikel")]),
        ("en/topics/", [("/en/topics/iso-14001/", "1 article"),
                        ("/en/topics/iso-9001/", "1 article")]),
        ("skribenter/", [("/skribenter/erik-holm/", "2 artiklar"),
                         ("/skribenter/karin-sjoberg/", "1 artikel")]),
        ("en/authors/", [("/en/authors/erik-holm/", "1 article"),
                         ("/en/authors/karin-sjoberg/", "1 article")]),
    ],
)
def test_topics_and_authors_are_listed_with_their_counts(fixture_site, path, expected):
    items = parse(fixture_site / path / "index.html").select("main .count-list li")
    assert [(li.a["href"], li.select_one(".count").get_text()) for li in items] == expected
    for href, _ in expected:
        assert (fixture_site / href.lstrip("/") / "index.html").is_file()


@pytest.mark.parametrize("kind", sorted(PARENTS))
def test_parent_pages_are_each_others_language_versions(fixture_site, kind):
    sv_path, en_path = PARENTS[kind]
    expected = {
        "sv": f"{ORIGIN}/{sv_path}",
        "en": f"{ORIGIN}/{en_path}",
        "x-default": f"{ORIGIN}/{sv_path}",
    }
    for path in (sv_path, en_path):
        soup = parse(fixture_site / path / "index.html")
        links = {a["hreflang"]: a["href"] for a in soup.select("link[rel=alternate][hreflang]")}
        assert links == expected
        switch = {a["hreflang"]: a["href"] for a in soup.select("nav.language-switcher a")}
        assert switch == {"sv": f"/{sv_path}", "en": f"/{en_path}"}


def test_parent_pages_are_in_the_sitemap_with_their_alternates(fixture_site):
    sitemap = (fixture_site / "sitemap.xml").read_text(encoding="utf-8")
    for sv_path, en_path in PARENTS.values():
        for path, other in ((sv_path, en_path), (en_path, sv_path)):
            entry = re.search(rf"<url><loc>{ORIGIN}/{re.escape(path)}</loc>.*?</url>", sitemap)
            assert entry, path
            assert f'hreflang="{"en" if path.startswith("en/") else "sv"}"' in entry.group(0)
            assert f'href="{ORIGIN}/{other}"' in entry.group(0)


def test_parent_pages_have_a_breadcrumb_not_the_home_pages_data(fixture_site):
    data = _json_ld(parse(fixture_site / "en/topics/index.html"))
    assert "WebSite" not in data
    crumbs = [(i["name"], i["item"]) for i in data["BreadcrumbList"]["itemListElement"]]
    assert crumbs == [("Home", f"{ORIGIN}/en/"), ("All topics", f"{ORIGIN}/en/topics/")]


def test_footer_and_search_fallback_lead_to_the_parent_pages(fixture_site):
    soup = parse(fixture_site / "en/index.html")
    footer = [a["href"] for a in soup.select("#footer-browse + ul a")]
    assert footer == ["/en/articles/", "/en/topics/", "/en/authors/"]
    assert soup.select_one(".site-search a")["href"] == "/en/articles/"
    assert parse(fixture_site / "index.html").select_one(".site-search a")["href"] == "/artiklar/"


@pytest.mark.parametrize(
    ("home", "booking", "ebook"),
    [
        ("index.html", "/boka-mote/", "/e-bok/"),
        ("en/index.html", "/en/book-a-meeting/", "/en/ebook/"),
    ],
)
def test_home_page_opens_with_calls_to_action(fixture_site, home, booking, ebook):
    intro = parse(fixture_site / home).select_one("main .page-intro")
    assert [a["href"] for a in intro.select(".intro-actions a.button")] == [booking, ebook]


@pytest.mark.parametrize(
    ("path", "heading", "booking"),
    [
        ("index.html", BAND_SV, "/boka-mote/"),
        ("artiklar/index.html", BAND_SV, "/boka-mote/"),
        # On an article the link names it as the booking's source (issue 15).
        ("artiklar/kvalitet-i-praktiken/index.html", BAND_SV,
         "/boka-mote/?source=/artiklar/kvalitet-i-praktiken/"),
        ("en/topics/index.html", BAND_EN, "/en/book-a-meeting/"),
        ("en/articles/quality-in-practice/index.html", BAND_EN,
         "/en/book-a-meeting/?source=/en/articles/quality-in-practice/"),
        ("en/privacy-policy/index.html", BAND_EN, "/en/book-a-meeting/"),
    ],
)
def test_pages_close_with_an_invitation_to_book_a_meeting(fixture_site, path, heading, booking):
    main = parse(fixture_site / path).select_one("main")
    band = main.select_one(".cta-band")
    assert band.h2.get_text() == heading
    assert band.select_one("a.button")["href"] == booking
    assert band is main.find_all(recursive=False)[-1], "the band closes the page"


@pytest.mark.parametrize("path", ["boka-mote/index.html", "en/book-a-meeting/index.html"])
def test_the_booking_page_does_not_invite_to_book(fixture_site, path):
    soup = parse(fixture_site / path)
    assert soup.select_one("form.booking-form")
    assert soup.select_one(".cta-band") is None


@pytest.mark.parametrize(
    ("path", "label", "heading", "line"),
    [
        ("artiklar/kvalitet-i-praktiken/index.html", "Artiklar", "Fler artiklar",
         "Guider, jämförelser och checklistor för nästa steg mot ert certifikat."),
        ("en/articles/quality-in-practice/index.html", "Articles", "More articles",
         "Guides, comparisons and checklists for the next step towards your certificate."),
    ],
)
def test_more_articles_has_a_label_a_heading_and_a_line(fixture_site, path, label, heading, line):
    intro = parse(fixture_site / path).select_one(".more-articles .section-intro")
    assert [p.get_text() for p in intro.find_all(["p", "h2"])] == [label, heading, line]
    assert intro.h2["id"] == "more-articles-title"


def test_english_dates_are_british(fixture_site):
    card = parse(fixture_site / "en/index.html").select_one(".card-meta time")
    assert card.get_text() == "1 February 2024"
    # The booking widget formats its days with the browser's Intl in this locale.
    sv = parse(fixture_site / "boka-mote/index.html").select_one("form.booking-form")
    en = parse(fixture_site / "en/book-a-meeting/index.html").select_one("form.booking-form")
    assert (sv["data-locale"], en["data-locale"]) == ("sv-SE", "en-GB")


def _fragments(site):
    for fragment in (site / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        yield json.loads(data[len(b"pagefind_dcd"):])


def test_search_indexes_the_article_text_only(fixture_site):
    fragments = {f["url"]: f for f in _fragments(fixture_site)}
    sv = fragments["/artiklar/kvalitet-i-praktiken/"]
    en = fragments["/en/articles/quality-in-practice/"]
    assert sv["meta"]["title"] == "Kvalitet i praktiken"
    assert en["meta"]["title"] == "Quality in practice"
    page = parse(fixture_site / "en/articles/quality-in-practice/index.html")
    first_words = page.select_one(".article-body").get_text(" ", strip=True).split()[:4]
    assert en["content"].split()[:4] == first_words
    for fragment in fragments.values():
        for byline in ("Skriven av", "Written by", "Ämne:", "Topic:", "Karin Sjöberg"):
            assert byline not in fragment["content"], (fragment["url"], byline)
