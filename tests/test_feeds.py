"""Each language's Atom feed: its own title, its own home page, its own articles."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from site_helpers import ORIGIN, parse

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEEDS = [
    # (language, prefix, title)
    ("sv", "", "Normkraft (Svenska)"),
    ("en", "en/", "Normkraft (English)"),
]


def _feed(origin_site, prefix):
    return ET.parse(origin_site / f"{prefix}feeds/atom.xml").getroot()


def _links(element):
    return {link.get("rel"): link.get("href") for link in element.findall(f"{ATOM}link")}


@pytest.mark.parametrize(("lang", "prefix", "title"), FEEDS)
def test_feed_is_titled_once_like_its_head_link(origin_site, lang, prefix, title):
    feed = _feed(origin_site, prefix)
    assert feed.find(f"{ATOM}title").text == title
    head = parse(origin_site / f"{prefix}index.html").select_one(
        "link[type='application/atom+xml']")
    assert head["title"] == title


@pytest.mark.parametrize(("lang", "prefix", "title"), FEEDS)
def test_feed_links_to_itself_and_its_language_home(origin_site, lang, prefix, title):
    feed = _feed(origin_site, prefix)
    assert _links(feed) == {
        "alternate": f"{ORIGIN}/{prefix}",
        "self": f"{ORIGIN}/{prefix}feeds/atom.xml",
    }
    assert feed.find(f"{ATOM}id").text == f"{ORIGIN}/{prefix}"
    assert feed.get(XML_LANG) == lang


@pytest.mark.parametrize(("lang", "prefix", "title"), FEEDS)
def test_feed_holds_every_article_of_its_language_and_no_other(origin_site, lang, prefix, title):
    entries = _feed(origin_site, prefix).findall(f"{ATOM}entry")
    links = [_links(entry)["alternate"] for entry in entries]
    home = parse(origin_site / f"{prefix}index.html")
    assert sorted(links) == sorted(a["href"] for a in home.select(".cards .card-title a"))
    for link in links:
        page = parse(origin_site / link.removeprefix(f"{ORIGIN}/") / "index.html")
        assert page.html["lang"] == lang, link
