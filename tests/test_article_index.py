"""The article_index plugin writes articles.json for the sales desk: path -> title, standard."""

import json

import pytest
from site_helpers import build_fixture

from plugins.article_index import standard_key


def test_index_names_every_published_article_in_every_language(fixture_site):
    data = json.loads((fixture_site / "articles.json").read_text(encoding="utf-8"))
    articles = data["articles"]
    assert articles["/artiklar/kvalitet-i-praktiken/"] == {
        "title": "Kvalitet i praktiken", "lang": "sv", "standard": "iso9001",
        "category": "ISO 9001", "translation_key": "quality"}
    assert articles["/en/articles/quality-in-practice/"]["translation_key"] == "quality"
    assert articles["/en/articles/quality-in-practice/"]["lang"] == "en"
    assert articles["/artiklar/miljoledning-med-iso-14001/"]["standard"] == "iso14001"
    # A general article names no standard and may have no translation.
    assert articles["/artiklar/vad-kostar-en-certifiering/"]["standard"] is None
    assert articles["/artiklar/vad-kostar-en-certifiering/"]["translation_key"] is None
    assert len(articles) == 5
    # Every path in the index is a page of the site.
    for path in articles:
        assert (fixture_site / path.strip("/") / "index.html").is_file(), path


@pytest.mark.parametrize("category, key", [
    ("ISO 9001", "iso9001"), ("ISO/IEC 27001", "iso27001"), ("iso 45001", "iso45001"),
    ("Ledningssystem", None), (None, None), ("ISO 900", None),
])
def test_standard_key(category, key):
    assert standard_key(category) == key


def test_index_can_be_turned_off(tmp_path):
    output = build_fixture(tmp_path / "output", ARTICLE_INDEX_SAVE_AS="")
    assert (output / "index.html").is_file()
    assert not (output / "articles.json").exists()
