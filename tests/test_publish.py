"""`make publish`: absolute URLs, feeds, minified and precompressed files, hashed asset names."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from site_helpers import ORIGIN, ROOT, parse


@pytest.fixture(scope="module")
def published(published_site):
    return published_site


def test_urls_are_absolute_from_the_environment(published):
    soup = parse(published / "en/index.html")
    assert soup.select_one("link[rel=canonical]")["href"] == f"{ORIGIN}/en/"
    assert soup.select_one("link[rel=stylesheet]")["href"].startswith(f"{ORIGIN}/theme/css/")


def test_feeds_are_on(published):
    assert (published / "feeds/atom.xml").is_file()
    assert (published / "en/feeds/atom.xml").is_file()


def test_assets_get_cache_busting_names(published):
    css = list((published / "theme/css").glob("site.*.css"))
    assert len(css) == 1 and re.fullmatch(r"site\.[0-9a-f]{10}\.css", css[0].name)
    html = (published / "index.html").read_text(encoding="utf-8")
    assert f"/theme/css/{css[0].name}" in html
    assert "/theme/css/site.css" not in html
    assert re.search(r"/theme/js/search\.[0-9a-f]{10}\.js", html)


def test_the_forms_service_pages_find_their_stylesheet(published):
    # The service renders its own pages (e-book form, booking, link problems) outside the
    # Pelican build: every /theme/ address they use must exist in the published site.
    templates = ROOT / "forms_service/templates"
    used = {m for page in templates.rglob("*.html")
            for m in re.findall(r"/theme/[\w./-]+", page.read_text(encoding="utf-8"))}
    assert "/theme/css/site.css" in used
    for path in used:
        assert (published / path.lstrip("/")).is_file(), path


def test_html_css_and_js_are_minified(published):
    source = (ROOT / "theme/static/css/site.css").stat().st_size
    css = next((published / "theme/css").glob("site.*.css"))
    assert css.stat().st_size < source * 0.9
    assert "/*" not in css.read_text(encoding="utf-8")
    html = (published / "en/index.html").read_text(encoding="utf-8")
    assert "\n  " not in html


@pytest.mark.parametrize("suffix", [".html", ".css", ".js", ".xml"])
def test_text_files_are_precompressed(published, suffix):
    files = [p for p in published.rglob(f"*{suffix}") if p.stat().st_size >= 256]
    assert files
    for path in files:
        data = path.read_bytes()
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == data
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data


def test_search_bundle_is_built_before_compression(published):
    bundle = published / "pagefind" / "pagefind.js"
    assert bundle.with_name("pagefind.js.gz").is_file()
    assert bundle.with_name("pagefind.js.br").is_file()


def test_article_page_weight_budget(published):
    """An article page with its CSS and JS stays under 60 KB before images."""
    page = published / "en/articles/difference-between-iso-9000-and-iso-9001/index.html"
    soup = parse(page)
    total = page.stat().st_size
    for tag in soup.select("link[rel=stylesheet], script[src]"):
        url = tag.get("href") or tag.get("src")
        total += (published / url.removeprefix(ORIGIN).lstrip("/")).stat().st_size
    assert total < 60_000, total
    assert not soup.select("head script[src]:not([defer]):not([async]):not([type=module])")
