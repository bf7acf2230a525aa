"""Site search in a real browser: each language finds only its own articles."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _search(page, label, query):
    field = page.get_by_label(label)
    field.fill(query)
    page.wait_for_selector(".search-results .search-status")
    return [a.get_attribute("href") for a in page.locator(".search-results a").all()]


@pytest.mark.parametrize(
    ("start", "label", "query", "prefix"),
    [
        ("/", "Sök bland artiklarna", "miljöledning", "/artiklar/"),
        ("/", "Sök bland artiklarna", "14001", "/artiklar/"),
        ("/en/", "Search articles", "environmental", "/en/articles/"),
        ("/en/", "Search articles", "14001", "/en/articles/"),
    ],
)
def test_search_finds_only_its_own_language(page, real_site_url, start, label, query, prefix):
    page.goto(real_site_url + start)
    hrefs = _search(page, label, query)
    assert hrefs, f"no results for {query!r}"
    assert all(h.startswith(prefix) for h in hrefs), hrefs


def test_swedish_stemming_finds_inflected_forms(page, real_site_url):
    page.goto(real_site_url + "/")
    singular = _search(page, "Sök bland artiklarna", "ledningssystemet")
    assert singular and all(h.startswith("/artiklar/") for h in singular)


def test_search_without_javascript_offers_the_article_listing(browser, real_site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(real_site_url + "/en/articles/what-is-iso-42001/")
    link = page.locator(".site-search a")
    assert link.inner_text() == "All articles"
    assert link.get_attribute("href") == "/en/"
    context.close()
