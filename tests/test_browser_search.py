"""Site search in a real browser: each language finds only its own articles."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


SV, EN = ("/", "Sök bland artiklarna"), ("/en/", "Search articles")


def _search(page, label, query):
    field = page.get_by_label(label)
    field.fill(query)
    page.wait_for_selector(".search-results .search-status")
    return [a.get_attribute("href") for a in page.locator(".search-results a").all()]


def _status(page):
    return page.locator(".search-results .search-status").inner_text()


def _pagefind_total(page, query):
    """Ask the page's Pagefind bundle itself how many articles match `query`."""
    return page.evaluate(
        """async (query) => {
            const pagefind = await import("/pagefind/pagefind.js");
            return (await pagefind.search(query)).results.length;
        }""",
        query,
    )


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


def test_count_is_of_every_match_when_only_some_are_shown(page, real_site_url):
    start, label = SV
    page.goto(real_site_url + start)
    hrefs = _search(page, label, "ISO")
    total = _pagefind_total(page, "ISO")
    assert total > 8, "the real site should have more than 8 Swedish articles about ISO"
    assert len(hrefs) == 8
    assert _status(page) == f"{total} artiklar hittades. Visar de 8 mest relevanta."


def test_count_when_every_match_is_shown(page, real_site_url):
    start, label = EN
    page.goto(real_site_url + start)
    hrefs = _search(page, label, "ISO")
    total = _pagefind_total(page, "ISO")
    assert 1 < total <= 8
    assert len(hrefs) == total
    assert _status(page) == f"{total} articles found."


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        (SV, "bakgrundskontroller", "1 artikel hittades."),
        (EN, "chatbots", "1 article found."),
    ],
)
def test_one_match_is_counted_in_the_singular(page, real_site_url, language, query, expected):
    start, label = language
    page.goto(real_site_url + start)
    hrefs = _search(page, label, query)
    assert _pagefind_total(page, query) == 1, f"{query!r} should match exactly one article"
    assert len(hrefs) == 1
    assert _status(page) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [(SV, "Sökningen gav inga träffar."), (EN, "No articles matched your search.")],
)
def test_no_match(page, real_site_url, language, expected):
    start, label = language
    page.goto(real_site_url + start)
    assert _search(page, label, "qxzvwpk") == []
    assert _status(page) == expected


def test_search_without_javascript_offers_the_article_listing(browser, real_site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(real_site_url + "/en/articles/what-is-iso-42001/")
    link = page.locator(".site-search a")
    assert link.inner_text() == "All articles"
    assert link.get_attribute("href") == "/en/articles/"
    context.close()
