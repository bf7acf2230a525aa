"""A draft article (`Status: draft`) builds, but search engines, listings and search
never see it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from site_helpers import build_fixture, parse

SLUG = "draft-about-iso-45001"
TITLE = "Unfinished thoughts on ISO 45001"
DRAFT = f"""Title: {TITLE}
Slug: {SLUG}
Date: 2024-06-01 09:00
Lang: en
Status: draft
Category: ISO 9001
Tags: ISO 9001, quality
Author: Karin Sjöberg
Summary: A draft that is not ready to be read by anyone but its editors.

This text is not finished, and {SLUG} must not be found by anyone yet.
"""


@pytest.fixture
def site(content_copy, tmp_path) -> Path:
    """The fixture site with one English draft, built with the feeds and the search index."""
    (content_copy / "articles" / "en" / "draft.md").write_text(DRAFT, encoding="utf-8")
    return build_fixture(tmp_path / "out", content_copy, LANGUAGE_FEEDS=True)


def draft_page(site: Path) -> Path:
    (page,) = [p for p in site.rglob("*.html") if SLUG in p.name or SLUG in p.parent.name]
    return page


def test_the_draft_is_written_with_its_language_links(site):
    html = parse(draft_page(site))
    assert html.html["lang"] == "en"
    links = {a["href"] for a in html.select(".byline a")}
    assert links == {"/en/topics/iso-9001/", "/en/authors/karin-sjoberg/"}
    for href in links:
        assert (site / href.lstrip("/") / "index.html").is_file()


def test_the_draft_is_noindex_without_canonical_or_alternates(site):
    html = parse(draft_page(site))
    assert html.select_one('meta[name="robots"]')["content"] == "noindex"
    assert html.select_one('link[rel="canonical"]') is None
    assert html.select('link[rel="alternate"][hreflang]') == []
    assert html.select('script[type="application/ld+json"]') == []


def test_the_draft_is_in_no_sitemap_listing_feed_or_related_article(site):
    own = draft_page(site)
    others = [p for p in site.rglob("*") if p.suffix in (".html", ".xml") and p != own]
    assert site / "sitemap.xml" in others
    assert site / "en" / "feeds" / "atom.xml" in others
    assert site / "en" / "topics" / "iso-9001" / "index.html" in others
    for path in others:
        text = path.read_text(encoding="utf-8")
        assert SLUG not in text, path
        assert TITLE not in text, path


def test_the_draft_is_not_in_the_search_index(site):
    fragments = sorted((site / "pagefind" / "fragment").iterdir())
    indexed = []
    for fragment in fragments:
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        indexed.append(json.loads(data[len(b"pagefind_dcd"):])["url"])
    assert "/en/articles/quality-in-practice/" in indexed
    assert not [url for url in indexed if SLUG in url]
    assert len(indexed) == 5  # the fixture's five published articles
