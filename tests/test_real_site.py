"""The real content: the flagship article, its translation, and every listing."""

from __future__ import annotations

from site_helpers import parse

SV_FLAGSHIP = "artiklar/skillnaden-mellan-iso-9000-och-iso-9001/index.html"
EN_FLAGSHIP = "en/articles/difference-between-iso-9000-and-iso-9001/index.html"


def test_flagship_exists_in_both_languages_linked_to_each_other(real_site):
    sv = parse(real_site / SV_FLAGSHIP)
    en = parse(real_site / EN_FLAGSHIP)
    assert sv.html["lang"] == "sv" and en.html["lang"] == "en"
    assert sv.select_one("nav.language-switcher a[hreflang=en]")["href"] == (
        "/en/articles/difference-between-iso-9000-and-iso-9001/"
    )
    assert en.select_one("nav.language-switcher a[hreflang=sv]")["href"] == (
        "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/"
    )
    assert sv.select_one(".byline time").get_text() == "20 oktober 2023"
    assert en.select_one(".byline time").get_text() == "20 October 2023"
    assert sv.select_one(".byline a[href='/amne/iso-9001/']")
    assert en.select_one(".byline a[href='/en/topics/iso-9001/']")


def test_flagship_has_the_comparison_table(real_site):
    sv = parse(real_site / SV_FLAGSHIP).select_one("table.comparison")
    en = parse(real_site / EN_FLAGSHIP).select_one("table.comparison")
    assert sv.caption.get_text() == "ISO 9000 jämfört med ISO 9001"
    assert en.caption.get_text() == "ISO 9000 compared with ISO 9001"
    certifiable = {tr.th.get_text(): [td.get_text() for td in tr("td")] for tr in en.tbody("tr")}
    assert certifiable["Can be certified against"] == ["No", "Yes"]


def test_each_home_lists_its_own_articles(real_site):
    sv_cards = parse(real_site / "index.html").select(".cards .card-title a")
    en_cards = parse(real_site / "en/index.html").select(".cards .card-title a")
    assert sv_cards and en_cards
    assert all(a["href"].startswith("/artiklar/") for a in sv_cards)
    assert all(a["href"].startswith("/en/articles/") for a in en_cards)
    sv_total = len(list((real_site / "artiklar").iterdir()))
    en_total = len(list((real_site / "en/articles").iterdir()))
    assert sv_total >= 9 and en_total >= 8
    assert sv_total == en_total + 1  # one article exists only in Swedish


def test_required_pages_exist_in_both_languages(real_site):
    for path in (
        "integritetspolicy/index.html",
        "en/privacy-policy/index.html",
        "e-bok/index.html",
        "en/ebook/index.html",
        "boka-mote/index.html",
        "en/book-a-meeting/index.html",
    ):
        assert (real_site / path).is_file(), path
