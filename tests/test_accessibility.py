"""axe-core finds no accessibility violations on the main page types, in both languages."""

from __future__ import annotations

import pytest
from page_checks import axe_violations

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/en/",
    "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/",
    "/en/articles/difference-between-iso-9000-and-iso-9001/",
    "/amne/iso-9001/",
    "/en/topics/iso-9001/",
    "/skribenter/karin-sjoberg/",
    "/en/authors/karin-sjoberg/",
    "/e-bok/",
    "/en/book-a-meeting/",
    "/en/404.html",
    "/artiklar/",
    "/en/topics/",
    "/skribenter/",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(browser, real_site_url, axe, path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(real_site_url + path)
    violations = axe_violations(axe, page)
    context.close()
    assert violations == []


@pytest.mark.parametrize("path", ["/", "/en/articles/difference-between-iso-9000-and-iso-9001/"])
def test_no_axe_violations_in_the_open_phone_menu(browser, real_site_url, axe, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(real_site_url + path)
    page.locator(".header-menu > summary").click()
    results = axe.run(page)
    context.close()
    assert [v["id"] for v in results.response["violations"]] == []


def test_axe_reports_real_violations(browser, axe):
    """Guard: the checker must flag an image without alternative text."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<!DOCTYPE html><html lang="en"><title>x</title>'
                     '<main><img src="x.png"></main></html>')
    results = axe.run(page)
    context.close()
    assert "image-alt" in {v["id"] for v in results.response["violations"]}
