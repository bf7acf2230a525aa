"""URLs, languages, translation links and listings of a built site."""

from __future__ import annotations

import pytest
from site_helpers import build_fixture, parse

SV_ARTICLE = "artiklar/kvalitet-i-praktiken/index.html"
EN_ARTICLE = "en/articles/quality-in-practice/index.html"
SV_ONLY = "artiklar/vad-kostar-en-certifiering/index.html"


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("index.html", "sv"),
        ("en/index.html", "en"),
        (SV_ARTICLE, "sv"),
        (EN_ARTICLE, "en"),
        ("amne/iso-9001/index.html", "sv"),
        ("en/topics/iso-9001/index.html", "en"),
        ("skribenter/karin-sjoberg/index.html", "sv"),
        ("en/authors/karin-sjoberg/index.html", "en"),
        ("404.html", "sv"),
        ("en/404.html", "en"),
        ("integritetspolicy/index.html", "sv"),
        ("en/privacy-policy/index.html", "en"),
    ],
)
def test_every_page_exists_with_its_language(fixture_site, path, lang):
    soup = parse(fixture_site / path)
    assert soup.html["lang"] == lang


def test_translations_link_to_each_other_by_translation_key(fixture_site):
    sv = parse(fixture_site / SV_ARTICLE)
    en = parse(fixture_site / EN_ARTICLE)
    sv_switch = sv.select_one("nav.language-switcher a[hreflang=en]")
    en_switch = en.select_one("nav.language-switcher a[hreflang=sv]")
    assert sv_switch["href"] == "/en/articles/quality-in-practice/"
    assert en_switch["href"] == "/artiklar/kvalitet-i-praktiken/"
    assert sv_switch.get("rel") == ["alternate"]


def test_untranslated_article_switches_to_the_other_home(fixture_site):
    soup = parse(fixture_site / SV_ONLY)
    link = soup.select_one("nav.language-switcher a[hreflang=en]")
    assert link["href"] == "/en/"
    assert link.get("rel") is None


def _card_links(soup):
    return [a["href"] for a in soup.select(".cards .card-title a")]


def test_each_home_lists_only_its_own_language(fixture_site):
    sv_links = _card_links(parse(fixture_site / "index.html"))
    en_links = _card_links(parse(fixture_site / "en/index.html"))
    assert sorted(sv_links) == [
        "/artiklar/kvalitet-i-praktiken/",
        "/artiklar/miljoledning-med-iso-14001/",
        "/artiklar/vad-kostar-en-certifiering/",
    ]
    assert sorted(en_links) == [
        "/en/articles/environmental-management-with-iso-14001/",
        "/en/articles/quality-in-practice/",
    ]


def test_homes_list_newest_first(fixture_site):
    assert _card_links(parse(fixture_site / "index.html"))[0] == (
        "/artiklar/vad-kostar-en-certifiering/"
    )


def test_sv_only_topic_exists_only_in_swedish(fixture_site):
    assert (fixture_site / "amne/ledningssystem/index.html").is_file()
    assert not (fixture_site / "en/topics/ledningssystem").exists()


def test_topic_and_author_pages_list_their_language(fixture_site):
    topic = parse(fixture_site / "en/topics/iso-9001/index.html")
    assert _card_links(topic) == ["/en/articles/quality-in-practice/"]
    author = parse(fixture_site / "skribenter/erik-holm/index.html")
    assert sorted(_card_links(author)) == [
        "/artiklar/miljoledning-med-iso-14001/",
        "/artiklar/vad-kostar-en-certifiering/",
    ]


def test_home_is_paginated_per_language(tmp_path):
    output = build_fixture(tmp_path / "out", DEFAULT_PAGINATION=2)
    first = parse(output / "index.html")
    second = parse(output / "2/index.html")
    assert len(_card_links(first)) == 2
    assert _card_links(second) == ["/artiklar/kvalitet-i-praktiken/"]
    assert first.select_one(".pagination a[rel=next]")["href"] == "/2/"
    assert second.select_one(".pagination a[rel=prev]")["href"] == "/"
    assert "Sida 2 av 2" in second.select_one(".pagination").get_text()
    assert not (output / "en/2").exists()


def test_article_page_order(fixture_site):
    soup = parse(fixture_site / SV_ARTICLE)
    main = soup.select_one("main")
    markers = [
        main.select_one("h1"),
        main.select_one(".byline a[rel=author]"),
        main.select_one(".byline time"),
        main.select_one(".byline a[href^='/amne/']"),
        main.select_one(".article-body"),
        main.select_one(".cta-ebook form"),
        main.select_one(".more-articles"),
        main.select_one(".cta-band a.button"),
    ]
    assert all(markers), markers
    order = {id(element): index for index, element in enumerate(main.find_all(True))}
    positions = [order[id(m)] for m in markers]
    assert positions == sorted(positions)


def test_article_byline_is_localized(fixture_site):
    sv = parse(fixture_site / SV_ARTICLE)
    en = parse(fixture_site / EN_ARTICLE)
    assert sv.select_one(".byline time").get_text() == "20 oktober 2023"
    assert en.select_one(".byline time").get_text() == "20 October 2023"
    assert sv.select_one(".byline time")["datetime"].startswith("2023-10-20T09:00:00")
    assert "Skriven av" in sv.select_one(".byline").get_text()
    assert "Written by" in en.select_one(".byline").get_text()
    assert sv.select_one(".byline a[rel=author]")["href"] == "/skribenter/karin-sjoberg/"
    assert en.select_one(".byline a[href^='/en/topics/']")["href"] == "/en/topics/iso-9001/"


def test_ebook_form_posts_to_the_forms_service(fixture_site):
    for path in (SV_ARTICLE, EN_ARTICLE, "e-bok/index.html", "en/ebook/index.html"):
        form = parse(fixture_site / path).select_one("form.ebook-form")
        assert form["method"] == "post"
        assert form["action"].endswith("/forms/ebook")
        assert form.select_one("input[name=email][type=email]")
        assert form.select_one("input[name=consent][type=checkbox]")


def test_consent_links_to_privacy_policy_in_the_same_language(fixture_site):
    sv = parse(fixture_site / SV_ARTICLE).select_one("form.ebook-form")
    en = parse(fixture_site / EN_ARTICLE).select_one("form.ebook-form")
    assert sv.find("a", href="/integritetspolicy/")
    assert en.find("a", href="/en/privacy-policy/")


def test_more_articles_are_same_language_and_exclude_the_article(fixture_site):
    soup = parse(fixture_site / EN_ARTICLE)
    section = soup.select_one(".more-articles")
    assert section.h2.get_text() == "More articles"
    assert _card_links(section) == ["/en/articles/environmental-management-with-iso-14001/"]
    sv = parse(fixture_site / SV_ARTICLE).select_one(".more-articles")
    assert sv.h2.get_text() == "Fler artiklar"


def test_footer_has_contact_details_and_every_language(fixture_site):
    footer = parse(fixture_site / "en/index.html").select_one("footer")
    assert footer.select_one("a[href^='mailto:']")
    assert footer.select_one("a[href^='tel:']")
    assert {a["hreflang"] for a in footer.select("a[hreflang]")} == {"sv", "en"}


def test_not_found_pages_are_localized(fixture_site):
    assert parse(fixture_site / "404.html").h1.get_text() == "Sidan finns inte"
    assert parse(fixture_site / "en/404.html").h1.get_text() == "Page not found"
