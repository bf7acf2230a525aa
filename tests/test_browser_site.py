"""The site in a real browser: language switching and keyboard use."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_switching_language_opens_the_translation(page, fixture_site_url):
    page.goto(f"{fixture_site_url}/artiklar/kvalitet-i-praktiken/")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_role("navigation", name="Språk").get_by_role("link", name="English").click()
    page.wait_for_url(f"{fixture_site_url}/en/articles/quality-in-practice/")
    assert page.locator("h1").inner_text() == "Quality in practice"
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Svenska").click()
    page.wait_for_url(f"{fixture_site_url}/artiklar/kvalitet-i-praktiken/")


def test_keyboard_user_can_skip_to_the_content(page, fixture_site_url):
    page.goto(f"{fixture_site_url}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_article_cards_lead_to_articles(page, fixture_site_url):
    page.goto(f"{fixture_site_url}/")
    page.get_by_role("link", name="Miljöledning med ISO 14001").click()
    page.wait_for_url(f"{fixture_site_url}/artiklar/miljoledning-med-iso-14001/")
    assert page.title() == "Miljöledning med ISO 14001 | Normkraft"
