"""Topic pages named differently per language are paired through their translated articles."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from site_helpers import FIXTURE_SITE, ORIGIN, build_fixture, parse

from plugins.multilingual.topic_pairs import topic_groups

SV_TOPIC = "amne/ledningssystem/index.html"
EN_TOPIC = "en/topics/management-systems/index.html"
SV_URL = f"{ORIGIN}/amne/ledningssystem/"
EN_URL = f"{ORIGIN}/en/topics/management-systems/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}

ARTICLE = """Title: {title}
Slug: {slug}
Date: 2024-03-01 09:00
Lang: {lang}
Translation_key: processes
Category: {category}
Author: Karin Sjöberg
Summary: {title}.

{title}.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture site plus an article in "Ledningssystem" translated into "Management systems"."""
    content = tmp_path_factory.mktemp("topics") / "content"
    shutil.copytree(FIXTURE_SITE, content)
    (content / "articles/sv/processer.md").write_text(
        ARTICLE.format(
            title="Processer i ledningssystemet", slug="processer", lang="sv",
            category="Ledningssystem",
        ),
        encoding="utf-8",
    )
    (content / "articles/en/processes.md").write_text(
        ARTICLE.format(
            title="Processes in the management system", slug="processes", lang="en",
            category="Management systems",
        ),
        encoding="utf-8",
    )
    return build_fixture(tmp_path_factory.mktemp("topics") / "out", path=content, SITEURL=ORIGIN)


def _alternates(soup):
    return {link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")}


def _meta(soup, prop):
    return [m["content"] for m in soup.find_all("meta", attrs={"property": prop})]


def test_differently_named_topics_are_each_others_hreflang_alternates(site):
    expected = {"sv": SV_URL, "en": EN_URL, "x-default": SV_URL}
    assert _alternates(parse(site / SV_TOPIC)) == expected
    assert _alternates(parse(site / EN_TOPIC)) == expected


def test_differently_named_topics_are_each_others_og_locale_alternate(site):
    assert _meta(parse(site / SV_TOPIC), "og:locale:alternate") == ["en_GB"]
    assert _meta(parse(site / EN_TOPIC), "og:locale:alternate") == ["sv_SE"]


def test_language_switcher_leads_to_the_paired_topic(site):
    sv = parse(site / SV_TOPIC).select_one("nav.language-switcher a[hreflang=en]")
    en = parse(site / EN_TOPIC).select_one("nav.language-switcher a[hreflang=sv]")
    assert sv["href"] == EN_URL
    assert en["href"] == SV_URL
    assert sv.get("rel") == en.get("rel") == ["alternate"]


def test_sitemap_lists_the_paired_topics_as_alternates(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    entries = {
        url.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }
    expected = {"sv": SV_URL, "en": EN_URL, "x-default": SV_URL}
    assert entries[SV_URL] == expected
    assert entries[EN_URL] == expected


def test_same_named_topics_stay_paired(site):
    assert _alternates(parse(site / "en/topics/iso-9001/index.html")) == {
        "sv": f"{ORIGIN}/amne/iso-9001/",
        "en": f"{ORIGIN}/en/topics/iso-9001/",
        "x-default": f"{ORIGIN}/amne/iso-9001/",
    }


# topic_groups on its own: stand-in topics and articles.


def _topic(name):
    return SimpleNamespace(name=name, slug=name.lower().replace(" ", "-"))


def _listings(*translated, alone=()):
    """Build topics_by_lang from translated article groups and untranslated articles.

    `translated` holds one {language: topic name} per translation key, `alone`
    (language, topic name) pairs of articles without translations.
    """
    versions = [
        [SimpleNamespace(lang=code, category=_topic(name)) for code, name in group.items()]
        for group in translated
    ]
    for group in versions:
        for article in group:
            article.translations = [other for other in group if other is not article]
    articles = [a for group in versions for a in group]
    articles += [
        SimpleNamespace(lang=code, category=_topic(name), translations=[]) for code, name in alone
    ]
    by_lang = {}
    for code in ("sv", "en", "fi"):
        topics = {}
        for article in articles:
            if article.lang == code:
                topics.setdefault(article.category.slug, (article.category, []))[1].append(article)
        if topics:
            by_lang[code] = list(topics.values())  # in the order given, not sorted
    return by_lang


def _partners(groups, topic):
    """Return {language: slug} of every topic sharing `topic`'s group."""
    key = groups[topic]
    return {code: slug for (code, slug), k in groups.items() if k == key}


def test_most_translations_decide_the_partner():
    groups = topic_groups(
        _listings(
            {"sv": "Ledningssystem", "en": "Management systems"},
            {"sv": "Ledningssystem", "en": "Management systems"},
            {"sv": "Ledningssystem", "en": "Quality"},
            {"sv": "Kvalitet", "en": "Quality"},
            {"sv": "Kvalitet", "en": "Quality"},
        )
    )
    assert _partners(groups, ("sv", "ledningssystem")) == {
        "sv": "ledningssystem",
        "en": "management-systems",
    }
    assert _partners(groups, ("en", "quality")) == {"sv": "kvalitet", "en": "quality"}


def test_pairs_are_symmetric_when_a_partner_is_taken():
    # "Ledningssystem"'s only translation is in "Quality", which "Kvalitet" holds more firmly.
    groups = topic_groups(
        _listings(
            {"sv": "Ledningssystem", "en": "Quality"},
            {"sv": "Kvalitet", "en": "Quality"},
            {"sv": "Kvalitet", "en": "Quality"},
        )
    )
    assert _partners(groups, ("sv", "ledningssystem")) == {"sv": "ledningssystem"}
    assert _partners(groups, ("en", "quality")) == {"sv": "kvalitet", "en": "quality"}


def test_ties_are_broken_by_name_whatever_the_input_order():
    pairs = [{"sv": "Ledningssystem", "en": "Quality"}, {"sv": "Kvalitet", "en": "Quality"}]
    for order in (pairs, pairs[::-1]):
        groups = topic_groups(_listings(*order))
        assert _partners(groups, ("en", "quality")) == {"sv": "kvalitet", "en": "quality"}


def test_topics_without_translated_articles_fall_back_to_the_slug():
    groups = topic_groups(
        _listings(alone=[("sv", "ISO 9001"), ("en", "ISO 9001"), ("en", "Audits")])
    )
    assert _partners(groups, ("sv", "iso-9001")) == {"sv": "iso-9001", "en": "iso-9001"}
    assert _partners(groups, ("en", "audits")) == {"en": "audits"}


def test_translations_outrank_a_shared_slug():
    groups = topic_groups(
        _listings(
            {"sv": "Ledningssystem", "en": "Management systems"},
            alone=[("en", "Ledningssystem")],
        )
    )
    assert _partners(groups, ("sv", "ledningssystem")) == {
        "sv": "ledningssystem",
        "en": "management-systems",
    }
    assert _partners(groups, ("en", "ledningssystem")) == {"en": "ledningssystem"}


def test_a_third_language_joins_the_same_group():
    groups = topic_groups(
        _listings(
            {"sv": "Ledningssystem", "en": "Management systems", "fi": "Johtamisjärjestelmät"},
            {"en": "Management systems", "fi": "Johtamisjärjestelmät"},
        )
    )
    expected = {
        "sv": "ledningssystem",
        "en": "management-systems",
        "fi": "johtamisjärjestelmät",
    }
    for topic in expected.items():
        assert _partners(groups, topic) == expected
    assert groups[("fi", "johtamisjärjestelmät")] == ("sv", "ledningssystem")
