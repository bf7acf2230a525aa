"""standards_table: the `[[compare a b]]` shortcode becomes a table in the article's language."""

from __future__ import annotations

from site_helpers import parse

SV_ARTICLE = "artiklar/kvalitet-i-praktiken/index.html"
EN_ARTICLE = "en/articles/quality-in-practice/index.html"


def test_comparison_table_follows_the_article_language(fixture_site):
    sv = parse(fixture_site / SV_ARTICLE).select_one("table.comparison")
    en = parse(fixture_site / EN_ARTICLE).select_one("table.comparison")
    assert sv.caption.get_text() == "ISO 9000 jämfört med ISO 9001"
    assert en.caption.get_text() == "ISO 9000 compared with ISO 9001"
    assert [th.get_text() for th in sv.select("thead th")] == ["Aspekt", "ISO 9000", "ISO 9001"]
    rows = {tr.th.get_text(): [td.get_text() for td in tr.select("td")] for tr in en.tbody("tr")}
    assert rows["Can be certified against"] == ["No", "Yes"]
    assert rows["Current edition"] == ["2015", "2015"]
