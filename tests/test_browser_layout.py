"""The header, the search panel and the parent pages in Chromium, at desktop and phone sizes."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SIZES = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
SV = {"home": "/", "menu": "Meny", "search": "Sök bland artiklarna", "nav": "Huvudmeny",
      "languages": "Språk", "other": "English", "all": "Alla artiklar", "query": "kvalitet"}
EN = {"home": "/en/", "menu": "Menu", "search": "Search articles", "nav": "Main menu",
      "languages": "Language", "other": "Svenska", "all": "All articles", "query": "quality"}
LANGUAGES = [pytest.param(SV, id="sv"), pytest.param(EN, id="en")]
FLAGSHIP = {
    "sv": "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/",
    "en": "/en/articles/difference-between-iso-9000-and-iso-9001/",
}

# The sum of every layout shift so far, as Lighthouse's CLS counts them (no recent input).
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve(total), 600);
})"""


@pytest.fixture
def open_page(browser):
    """Open pages in fresh contexts of a given size, with or without JavaScript."""
    contexts = []

    def open_page(viewport, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _late_search_script(route):
    """Hold search.js back until the page has been painted, as on a slow connection."""
    time.sleep(0.4)
    route.continue_()


def _search_ready(page):
    """Wait until search.js has put its field in place of the no-JavaScript link."""
    page.wait_for_selector("#site-search-input", state="attached")


@pytest.mark.parametrize("viewport", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("which", ["home", "flagship"])
def test_the_page_does_not_shift_while_it_loads(
    open_page, real_site_url, viewport, language, which
):
    page = open_page(viewport)
    # Late, so the page is painted with the no-JavaScript link before the script swaps it.
    page.route("**/theme/js/search.js", _late_search_script)
    path = language["home"] if which == "home" else FLAGSHIP["sv" if language is SV else "en"]
    page.goto(real_site_url + path)
    _search_ready(page)
    assert page.evaluate(LAYOUT_SHIFT) == 0


@pytest.mark.parametrize("viewport", SIZES)
def test_the_search_box_keeps_its_size_when_the_script_runs(open_page, real_site_url, viewport):
    boxes = []
    for javascript in (False, True):
        page = open_page(viewport, javascript)
        page.goto(real_site_url + "/en/")
        if viewport is PHONE:
            page.get_by_text("Menu", exact=True).click()
        if javascript:
            _search_ready(page)
        boxes.append(page.locator(".site-search").bounding_box())
        boxes.append(page.locator(".site-header").bounding_box())
    assert boxes[:2] == boxes[2:]


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_results_stay_inside_the_phone_screen(open_page, real_site_url, language):
    page = open_page(PHONE)
    page.goto(real_site_url + language["home"])
    _search_ready(page)
    page.get_by_text(language["menu"], exact=True).click()
    page.get_by_label(language["search"]).fill(language["query"])
    page.wait_for_selector(".search-results li")
    panel = page.locator(".search-results").bounding_box()
    assert panel["x"] >= 0
    assert panel["x"] + panel["width"] <= PHONE["width"]
    assert panel["y"] + panel["height"] <= PHONE["height"]
    for link in page.locator(".search-results li a").all():
        box = link.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]


def test_a_long_result_list_scrolls_inside_the_desktop_screen(open_page, real_site_url):
    page = open_page(DESKTOP)
    page.goto(real_site_url + "/")
    _search_ready(page)
    page.get_by_label("Sök bland artiklarna").fill("ISO")
    page.wait_for_selector(".search-results li:nth-child(8)")
    panel = page.locator(".search-results")
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"]
    assert box["y"] + box["height"] <= DESKTOP["height"]
    # Eight results are taller than the screen: the panel scrolls instead of running past it.
    assert panel.evaluate("el => el.scrollHeight > el.clientHeight")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_menu_is_a_compact_disclosure(open_page, real_site_url, language, javascript):
    other = EN if language is SV else SV
    page = open_page(PHONE, javascript)
    page.goto(real_site_url + language["home"])
    if javascript:
        _search_ready(page)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 80, "the header leaves the phone screen to the content"
    nav = page.get_by_role("navigation", name=language["nav"])
    languages = page.get_by_role("navigation", name=language["languages"])
    assert not nav.is_visible() and not languages.is_visible()
    summary = page.get_by_text(language["menu"], exact=True)
    assert summary.is_visible()

    summary.click()
    assert nav.is_visible() and languages.is_visible()
    if javascript:
        assert page.get_by_label(language["search"]).is_visible()
    else:
        search = page.locator(".site-search")
        assert search.get_by_role("link", name=language["all"]).is_visible()
    # The menu opens over the page: the header keeps its size and the content does not move.
    assert page.locator(".site-header").bounding_box() == header
    summary.click()
    assert not nav.is_visible()

    summary.click()
    languages.get_by_role("link", name=language["other"]).click()
    page.wait_for_url(real_site_url + other["home"])
    assert not page.get_by_role("navigation", name=other["nav"]).is_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_desktop_header_needs_no_menu_button(open_page, real_site_url, javascript):
    page = open_page(DESKTOP, javascript)
    page.goto(real_site_url + "/en/")
    assert not page.get_by_text("Menu", exact=True).is_visible()
    nav = page.get_by_role("navigation", name="Main menu")
    assert nav.get_by_role("link", name="Articles").is_visible()
    languages = page.get_by_role("navigation", name="Language")
    assert languages.get_by_role("link", name="Svenska").is_visible()
    assert page.locator(".site-search").is_visible()
    assert page.locator(".site-header").bounding_box()["height"] <= 100


@pytest.mark.parametrize("viewport", SIZES)
@pytest.mark.parametrize(
    ("home", "booking", "ebook"),
    [("/", "Boka ett kostnadsfritt möte", "Hämta den kostnadsfria e-boken"),
     ("/en/", "Book a free meeting", "Get the free e-book")],
)
def test_the_home_page_calls_to_action_are_above_the_fold(
    open_page, real_site_url, viewport, home, booking, ebook
):
    page = open_page(viewport)
    page.goto(real_site_url + home)
    intro = page.locator("main .intro-actions")
    for name in (booking, ebook):
        box = intro.get_by_role("link", name=name).bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]
        assert box["y"] + box["height"] <= viewport["height"]


@pytest.mark.parametrize("viewport", SIZES)
@pytest.mark.parametrize(
    ("start", "footer_link", "parent", "item", "target"),
    [
        ("/", "Alla ämnen", "/amne/", "ISO 9001", "/amne/iso-9001/"),
        ("/", "Alla skribenter", "/skribenter/", "Karin Sjöberg", "/skribenter/karin-sjoberg/"),
        ("/en/", "All articles", "/en/articles/", "What is ISO/IEC 42001 and why does it matter?",
         "/en/articles/what-is-iso-42001/"),
        ("/en/", "All topics", "/en/topics/", "ISO 14001", "/en/topics/iso-14001/"),
    ],
)
def test_parent_pages_lead_on_to_what_they_list(
    open_page, real_site_url, viewport, start, footer_link, parent, item, target
):
    page = open_page(viewport)
    page.goto(real_site_url + start)
    page.locator("footer").get_by_role("link", name=footer_link).click()
    page.wait_for_url(real_site_url + parent)
    page.locator("main").get_by_role("link", name=item, exact=True).click()
    page.wait_for_url(real_site_url + target)
