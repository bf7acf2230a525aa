"""Build-time SEO checks: each broken rule stops the build and names the page."""

from __future__ import annotations

import pytest
from seo.output_checks import check_site

from site_helpers import build_fixture, edit

SV_FILE = "articles/sv/kvalitet.md"


def _seo_error(content, tmp_path) -> str:
    with pytest.raises(Exception) as excinfo:
        build_fixture(tmp_path / "out", path=content)
    assert type(excinfo.value).__name__ == "SeoError"
    return str(excinfo.value)


def test_clean_fixture_passes(content_copy, tmp_path):
    build_fixture(tmp_path / "out", path=content_copy)


def test_broken_internal_link(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem", "[Läs mer](/artiklar/finns-inte/) Ett kvalitetsledningssystem")
    assert "artiklar/kvalitet-i-praktiken/index.html: broken link /artiklar/finns-inte/" in _seo_error(content_copy, tmp_path)


def test_broken_anchor(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem", "[Hoppa](#saknas) Ett kvalitetsledningssystem")
    assert "artiklar/kvalitet-i-praktiken/index.html: broken anchor #saknas" in _seo_error(content_copy, tmp_path)


def test_duplicate_title_within_a_language(content_copy, tmp_path):
    edit(content_copy / "articles/en/environment.md", "Title: Environmental management with ISO 14001", "Title: Quality in practice")
    edit(content_copy / "articles/en/environment.md", "Slug: environmental-management-with-iso-14001", "Slug: quality-in-practice-2")
    message = _seo_error(content_copy, tmp_path)
    assert (
        "en/articles/quality-in-practice/index.html, en/articles/quality-in-practice-2/index.html: "
        "duplicate title 'Quality in practice | Normkraft' in language en"
    ) in message


def test_duplicate_description_within_a_language(content_copy, tmp_path):
    edit(content_copy / "articles/en/environment.md", "Summary: What ISO 14001 asks of an organisation that wants to reduce its environmental impact.", "Summary: How a quality management system works day to day.")
    assert "duplicate meta description in language en" in _seo_error(content_copy, tmp_path)


def test_missing_meta_description(content_copy, tmp_path):
    path = content_copy / "articles/en/environment.md"
    text = path.read_text(encoding="utf-8").split("\n\n")[0]
    lines = [line for line in text.splitlines() if not line.startswith("Summary:")]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    message = _seo_error(content_copy, tmp_path)
    assert "en/articles/environmental-management-with-iso-14001/index.html: missing meta description" in message


def test_image_without_size(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem", "![Logotyp](/theme/images/logo.png)\n\nEtt kvalitetsledningssystem")
    assert "artiklar/kvalitet-i-praktiken/index.html: image /theme/images/logo.png has no width and height" in _seo_error(content_copy, tmp_path)


def test_image_with_size_passes(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem", '<img src="/theme/images/logo.png" alt="Logotyp" width="64" height="64">\n\nEtt kvalitetsledningssystem')
    build_fixture(tmp_path / "out", path=content_copy)


ORIGIN = "https://www.example.se"


def _page(lang, canonical, alternates, body=""):
    links = "".join(f'<link rel="alternate" hreflang="{k}" href="{v}">' for k, v in alternates.items())
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>{canonical}</title>'
        f'<meta name="description" content="About {canonical}">'
        f'<link rel="canonical" href="{canonical}">{links}</head><body>{body}</body></html>'
    )


def _write(root, relative, html):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def test_non_reciprocal_hreflang(tmp_path):
    sv, en = f"{ORIGIN}/a/", f"{ORIGIN}/en/a/"
    _write(tmp_path, "a/index.html", _page("sv", sv, {"sv": sv, "en": en, "x-default": sv}))
    _write(tmp_path, "en/a/index.html", _page("en", en, {"en": en, "x-default": en}))
    problems = check_site(tmp_path, ORIGIN, "sv")
    assert problems == [
        "a/index.html: hreflang en is not reciprocal (en/a/index.html does not link back)"
    ]


def test_missing_translation_target(tmp_path):
    sv, en = f"{ORIGIN}/a/", f"{ORIGIN}/en/a/"
    _write(tmp_path, "a/index.html", _page("sv", sv, {"sv": sv, "en": en, "x-default": sv}))
    problems = check_site(tmp_path, ORIGIN, "sv")
    assert problems == [f"a/index.html: hreflang en points to a missing page {en}"]


def test_missing_self_link_and_x_default(tmp_path):
    sv = f"{ORIGIN}/a/"
    _write(tmp_path, "a/index.html", _page("sv", sv, {}))
    assert check_site(tmp_path, ORIGIN, "sv") == [
        "a/index.html: hreflang has no self link for sv",
        "a/index.html: hreflang has no x-default",
    ]
