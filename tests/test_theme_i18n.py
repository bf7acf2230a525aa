"""Theme strings: complete catalogs, in sync with the templates, one language per page."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from pelican.settings import read_settings
from site_helpers import ROOT, parse

from plugins.multilingual.languages import languages_from_settings

CATALOGS = ROOT / "theme" / "translations"
LANGUAGES = sorted(read_settings(str(ROOT / "pelicanconf.py"))["LANGUAGES"])


def _catalog(code):
    with (CATALOGS / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=code)


def _msgid(message):
    """The singular of a plural message (babel gives those as tuples), else the message."""
    return message if isinstance(message, str) else message[0]


def _template_msgids():
    method_map = [("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT / "theme", method_map, options):
        found.add(_msgid(message))
    return found


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_string_is_translated(code):
    untranslated = [
        m.id for m in _catalog(code)
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert untranslated == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalog_has_every_template_string(code):
    template_ids = _template_msgids()
    assert len(template_ids) > 30
    catalog_ids = {_msgid(m.id) for m in _catalog(code) if m.id}
    assert template_ids - catalog_ids == set(), "run `make i18n` and translate the new strings"


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_fuzzy_entries(code):
    assert [m.id for m in _catalog(code) if m.id and m.fuzzy] == []


def _strings_that_differ():
    sv = {m.id: m.string for m in _catalog("sv") if m.id}
    en = {m.id: m.string for m in _catalog("en") if m.id}
    pairs = [(en[k], sv[k]) for k in sv if "%(" not in k and en[k] != sv[k]]
    return [e for e, _ in pairs], [s for _, s in pairs]


def _page_text(path: Path) -> str:
    soup = parse(path)
    for element in soup.select(".article-body, .card-summary, .card-title, script, style"):
        element.decompose()
    return " ".join(soup.get_text(" ").split())


@pytest.mark.parametrize(
    ("prefix", "foreign_index"),
    [("sv", 0), ("en", 1)],
)
def test_no_ui_text_from_the_other_language(fixture_site, prefix, foreign_index):
    foreign = _strings_that_differ()[foreign_index]
    pages = [
        p
        for p in fixture_site.rglob("*.html")
        if (p.relative_to(fixture_site).parts[0] == "en") == (prefix == "en")
    ]
    assert len(pages) > 5
    for page in pages:
        text = _page_text(page)
        leaks = [s for s in foreign if len(s) > 4 and s in text]
        assert leaks == [], f"{page.relative_to(fixture_site)}: {leaks}"


def test_adding_a_language_needs_only_config_catalog_and_content(tmp_path, content_copy):
    """A third language works from a settings entry, a catalog and content alone."""
    from site_helpers import build_fixture

    catalogs = tmp_path / "translations"
    for code in ("sv", "en"):
        target = catalogs / code / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(
            (CATALOGS / code / "LC_MESSAGES" / "messages.po").read_bytes()
        )
    fi = catalogs / "fi" / "LC_MESSAGES"
    fi.mkdir(parents=True)
    po = (CATALOGS / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    po = po.replace('msgstr "More articles"', 'msgstr "Lisää artikkeleita"')
    (fi / "messages.po").write_text(po.replace("Language: en", "Language: fi"), encoding="utf-8")
    (content_copy / "articles" / "fi").mkdir()
    (content_copy / "articles" / "fi" / "laatu.md").write_text(
        "Title: Laatu käytännössä\nSlug: laatu-kaytannossa\nDate: 2023-10-20 09:00\nLang: fi\n"
        "Translation_key: quality\nCategory: ISO 9001\nAuthor: Karin Sjöberg\n"
        "Summary: Laatujärjestelmä arjessa.\n\nLaatujärjestelmä auttaa.\n",
        encoding="utf-8",
    )
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    languages = dict(settings["LANGUAGES"])
    languages["fi"] = {
        "name": "Suomi",
        "locale": "fi_FI",
        "prefix": "fi/",
        "paths": {"articles": "artikkelit", "topics": "aiheet", "authors": "kirjoittajat"},
    }
    output = build_fixture(
        tmp_path / "out", path=content_copy, LANGUAGES=languages, I18N_CATALOGS=str(catalogs)
    )
    page = parse(output / "fi/artikkelit/laatu-kaytannossa/index.html")
    assert page.html["lang"] == "fi"
    assert page.select_one(".byline time").get_text() == "20. lokakuuta 2023"
    switch = {a["hreflang"]: a["href"] for a in page.select("nav.language-switcher a")}
    assert switch == {
        "sv": "/artiklar/kvalitet-i-praktiken/",
        "en": "/en/articles/quality-in-practice/",
        "fi": "/fi/artikkelit/laatu-kaytannossa/",
    }
    assert (output / "fi/index.html").is_file()
    assert (output / "fi/aiheet/iso-9001/index.html").is_file()
    # The parent pages come with the language, and list its articles and topics.
    assert parse(output / "fi/artikkelit/index.html").select_one(
        ".archive-list a"
    )["href"] == "/fi/artikkelit/laatu-kaytannossa/"
    assert parse(output / "fi/aiheet/index.html").select_one(".count-list a")["href"] == (
        "/fi/aiheet/iso-9001/"
    )
    assert (output / "fi/kirjoittajat/index.html").is_file()
    sv_home = parse(output / "index.html")
    assert "/fi/artikkelit/laatu-kaytannossa/" not in str(sv_home)


@pytest.mark.parametrize(
    ("entry", "date_locale", "tag"),
    [
        ({"locale": "en_GB"}, "en_GB", "en-GB"),
        ({"locale": "en_GB", "date_locale": "en_US"}, "en_US", "en-US"),
    ],
)
def test_dates_follow_the_locale_unless_the_language_names_another(entry, date_locale, tag):
    paths = {"articles": "a", "topics": "t", "authors": "w"}
    settings = {"DEFAULT_LANG": "en", "LANGUAGES": {"en": {"name": "English", "prefix": "",
                                                          "paths": paths, **entry}}}
    language = languages_from_settings(settings)["en"]
    assert (language.date_locale, language.date_tag) == (date_locale, tag)
