"""once_per_language: a part of a page is rendered once per language, and never mixed up."""

from __future__ import annotations

from jinja2 import Environment
from site_helpers import build_fixture, parse

from plugins.multilingual.fragments import once_per_language_helper
from plugins.multilingual.languages import languages_from_settings

LANGUAGES = {
    "sv": {"name": "Svenska", "locale": "sv_SE", "prefix": "", "paths": {
        "articles": "artiklar", "topics": "amne", "authors": "skribenter"}},
    "en": {"name": "English", "locale": "en_GB", "prefix": "en/", "paths": {
        "articles": "articles", "topics": "topics", "authors": "authors"}},
}
SETTINGS = {"LANGUAGES": LANGUAGES, "DEFAULT_LANG": "sv"}
languages_from_settings(SETTINGS)  # as the plugin does when Pelican starts


def test_each_language_renders_the_fragment_once():
    rendered = []
    env = Environment()
    env.globals.update(once_per_language=once_per_language_helper(), note=rendered.append)
    template = env.from_string(
        '{% call once_per_language("box") %}{{ note(page_lang) or "" }}box {{ page_lang }} '
        '{{ title }}{% endcall %}'
    )
    context = SETTINGS
    pages = [("sv", "A"), ("en", "B"), ("sv", "C"), ("en", "D")]
    out = [template.render(**context, page_lang=lang, title=title) for lang, title in pages]
    # The first page of each language renders it; the others reuse it as it was.
    assert out == ["box sv A", "box en B", "box sv A", "box en B"]
    assert rendered == ["sv", "en"]


def test_a_new_helper_starts_empty():
    env = Environment()
    context = {**SETTINGS, "page_lang": "sv"}
    for title in ("first", "second"):
        env.globals["once_per_language"] = once_per_language_helper()
        template = env.from_string('{% call once_per_language("x") %}{{ title }}{% endcall %}')
        assert template.render(**context, title=title) == title


def test_built_pages_get_the_call_to_action_and_footer_of_their_own_language(tmp_path):
    output = build_fixture(tmp_path / "out", SEARCH_INDEX=False)
    swedish = sorted((output / "artiklar").glob("*/index.html"))
    english = sorted((output / "en" / "articles").glob("*/index.html"))
    assert len(swedish) > 1 and len(english) > 1
    for pages, lang in ((swedish, "sv"), (english, "en")):
        ctas, footers = set(), set()
        for path in pages:
            page = parse(path)
            ctas.add(str(page.select_one(".cta-ebook")))
            footers.add(str(page.select_one(".site-footer")))
            assert page.select_one(".cta-ebook input[name=lang]")["value"] == lang
        assert len(ctas) == 1 and len(footers) == 1
    sv_page, en_page = parse(swedish[0]), parse(english[0])
    assert sv_page.select_one("#cta-ebook-title").get_text() != en_page.select_one(
        "#cta-ebook-title"
    ).get_text()
    assert sv_page.select_one("#footer-contact").get_text() != en_page.select_one(
        "#footer-contact"
    ).get_text()
