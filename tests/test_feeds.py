"""Each language's Atom feed: its own title, its own home page, its own articles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from site_helpers import build_fixture, parse

ORIGIN = "https://www.example.se"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEEDS = [
    # (language, prefix, title)
    ("sv", "", "Normkraft (Svenska)"),
    ("en", "en/", "Normkraft (English)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_fixture(
        tmp_path_factory.mktemp("feeds") / "out", SITEURL=ORIGIN, LANGUAGE_FEEDS=True
    )


def _feed(site, prefix):
    return ET.parse(site / f"{prefix}feeds/atom.xml").getroot()


def _links(element):
    return {link.get("rel"): link.get("href") for link in element.findall(f"{ATOM}link")}


@pytest.mark.parametrize(("lang", "prefix", "title"), FEEDS)
def test_feed_is_titled_once_like_its_head_link(site, lang, prefix, title):
    feed = _feed(site, prefix)
    assert feed.find(f"{ATOM}title").text == title
    head = parse(site / f"{prefix}index.html").select_one("link[type='application/atom+xml']")
    assert head["title"] == title


@pytest.mark.parametrize(("lang", "prefix", "title"), FEEDS)
def test_feed_links_to_itself_and_its_language_home(site, lang, prefix, title):
    feed = _feed(site, prefix)
    assert _links(feed) == {
        "alternate": f"{ORIGIN}/{prefix}",
        "self": f"{ORIGIN}/{prefix}feeds/atom.xml",
    }
    assert feed.find(f"{ATOM}id").text == f"{ORIGIN}/{prefix}"
    assert feed.get(XML_LANG) == lang


@pytest.mark.parametrize(("lang", "prefix", "title"), FEEDS)
def test_feed_holds_every_article_of_its_language_and_no_other(site, lang, prefix, title):
    entries = _feed(site, prefix).findall(f"{ATOM}entry")
    links = [_links(entry)["alternate"] for entry in entries]
    home = parse(site / f"{prefix}index.html")
    assert sorted(links) == sorted(a["href"] for a in home.select(".cards .card-title a"))
    for link in links:
        page = parse(site / link.removeprefix(f"{ORIGIN}/") / "index.html")
        assert page.html["lang"] == lang, link
