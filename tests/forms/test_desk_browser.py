"""The desk in Chromium: the overview's charts and tables in sv and en, the filters change
the charts, and axe finds no violations on any desk page."""

import pytest
from desk_demo import seed_demo
from desk_helpers import add_staff
from forms_helpers import make_app, serve_forms
from page_checks import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_site(tmp_path, ebook_source):
    """The forms service with a seeded desk, served on a loopback port; (origin, app)."""
    def seeded(origin):
        app = make_app(tmp_path, ebook_source, SITE_URL=origin)
        seed_demo(app)
        add_staff(app)
        return app

    yield from serve_forms(seeded)


@pytest.fixture
def desk_page(desk_site, logged_in_page):
    origin, _app = desk_site
    return origin, logged_in_page(origin)


@pytest.mark.parametrize("lang, heading, funnel", [
    ("sv", "Leads per källartikel", "Anmälde sig"),
    ("en", "Leads by source article", "Signed up"),
])
def test_overview_renders_charts_with_their_tables(desk_page, axe, lang, heading, funnel):
    origin, page = desk_page
    page.goto(f"{origin}/admin/overview?lang={lang}")
    assert page.locator("h2", has_text=heading).is_visible()
    charts = page.locator(".desk-chart svg[role=img]")
    # Five of the leads and meetings, two of the readers (readers/desk_section.html).
    assert charts.count() == 7
    for number in range(7):
        box = charts.nth(number).bounding_box()
        assert box["width"] > 200 and box["height"] > 100
    # desk.css styles pygal's bars (the CSP keeps pygal's own <style> out): they are filled.
    fill = page.eval_on_selector(".desk-chart svg .series rect",
                                 "e => getComputedStyle(e).fill")
    assert fill == "rgb(10, 86, 64)"
    assert page.locator("table#funnel th[scope=row]").first.inner_text() == funnel
    assert int(page.locator("table#funnel td").first.inner_text()) > 0
    assert axe_violations(axe, page) == []
    # Printed, the page keeps the charts and their tables and drops the controls.
    page.emulate_media(media="print")
    assert page.locator("form.desk-filters").is_hidden()
    assert page.locator(".desk-header nav").is_hidden()
    assert charts.first.bounding_box()["width"] > 200
    assert page.locator("table#weekly").is_visible()


def test_the_filters_change_the_charts(desk_page):
    origin, page = desk_page
    page.goto(f"{origin}/admin/overview?lang=en")
    before = page.inner_html(".desk-chart >> nth=0")
    total = int(page.locator("table#funnel td").first.inner_text())
    page.select_option("#language", "en")
    page.click("form.desk-filters button[type=submit]")
    page.wait_for_url("**language=en**")
    assert page.inner_html(".desk-chart >> nth=0") != before
    assert 0 < int(page.locator("table#funnel td").first.inner_text()) < total


# Every page of the desk's navigation and each kind of detail page, lists also filtered.
PAGES = ["/admin/overview", "/admin/overview?date_from=2025-01-01&language=en",
         "/admin/leads", "/admin/leads?standard=iso9001&status=confirmed",
         "/admin/bookings", "/admin/bookings?status=held", "/admin/bookings/1",
         "/admin/bookings/3", "/admin/people/lead/1", "/admin/people/booking/1",
         "/admin/deliveries", "/admin/calendars", "/admin/privacy"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_axe_violations_on_any_desk_page(desk_page, axe, lang):
    origin, page = desk_page
    found = {}
    for path in PAGES:
        joiner = "&" if "?" in path else "?"
        response = page.goto(f"{origin}{path}{joiner}lang={lang}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang, path
        problems = axe_violations(axe, page)
        if problems:
            found[path] = problems
    assert found == {}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_axe_violations_on_the_login_page(chromium, desk_site, axe, lang):
    origin, _app = desk_site
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{origin}/admin/login?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(axe, page) == []
    context.close()
