"""Build-time SEO checks: each broken rule stops the build and names the page."""

from __future__ import annotations

import pytest
from site_helpers import ORIGIN, build_fixture, edit

from plugins.seo.output_checks import check_site

SV_FILE = "articles/sv/kvalitet.md"


def _seo_error(content, tmp_path) -> str:
    with pytest.raises(Exception) as excinfo:
        build_fixture(tmp_path / "out", path=content)
    assert type(excinfo.value).__name__ == "SeoError"
    return str(excinfo.value)


def test_clean_fixture_passes(content_copy, tmp_path):
    build_fixture(tmp_path / "out", path=content_copy)


def test_broken_internal_link(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem",
         "[Läs mer](/artiklar/finns-inte/) Ett kvalitetsledningssystem")
    assert ("artiklar/kvalitet-i-praktiken/index.html: broken link /artiklar/finns-inte/"
            in _seo_error(content_copy, tmp_path))


def test_broken_anchor(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem",
         "[Hoppa](#saknas) Ett kvalitetsledningssystem")
    assert ("artiklar/kvalitet-i-praktiken/index.html: broken anchor #saknas"
            in _seo_error(content_copy, tmp_path))


def test_duplicate_title_within_a_language(content_copy, tmp_path):
    edit(content_copy / "articles/en/environment.md",
         "Title: Environmental management with ISO 14001", "Title: Quality in practice")
    edit(content_copy / "articles/en/environment.md",
         "Slug: environmental-management-with-iso-14001", "Slug: quality-in-practice-2")
    message = _seo_error(content_copy, tmp_path)
    assert (
        "en/articles/quality-in-practice/index.html, en/articles/quality-in-practice-2/index.html: "
        "duplicate title 'Quality in practice | Normkraft' in language en"
    ) in message


def test_duplicate_description_within_a_language(content_copy, tmp_path):
    edit(content_copy / "articles/en/environment.md",
         "Summary: What ISO 14001 asks of an organisation that wants to reduce its "
         "environmental impact.",
         "Summary: How a quality management system works day to day.")
    assert "duplicate meta description in language en" in _seo_error(content_copy, tmp_path)


def test_missing_meta_description(content_copy, tmp_path):
    path = content_copy / "articles/en/environment.md"
    text = path.read_text(encoding="utf-8").split("\n\n")[0]
    lines = [line for line in text.splitlines() if not line.startswith("Summary:")]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    message = _seo_error(content_copy, tmp_path)
    assert ("en/articles/environmental-management-with-iso-14001/index.html: "
            "missing meta description") in message


def test_image_without_size(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem",
         "![Logotyp](/theme/images/logo.png)\n\nEtt kvalitetsledningssystem")
    assert ("artiklar/kvalitet-i-praktiken/index.html: image /theme/images/logo.png "
            "has no width and height") in _seo_error(content_copy, tmp_path)


def test_image_with_size_passes(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Ett kvalitetsledningssystem",
         '<img src="/theme/images/logo.png" alt="Logotyp" width="64" height="64">'
         '\n\nEtt kvalitetsledningssystem')
    build_fixture(tmp_path / "out", path=content_copy)


def test_image_metadata_naming_a_missing_file(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Lang: sv\n", "Lang: sv\nImage: {static}/images/saknas.png\n")
    assert (
        "content/articles/sv/kvalitet.md: Image {static}/images/saknas.png: "
        "no file images/saknas.png in the content folder"
    ) in _seo_error(content_copy, tmp_path)


def test_social_image_missing_from_the_output(content_copy, tmp_path):
    edit(content_copy / SV_FILE, "Lang: sv\n", "Lang: sv\nImage: /images/saknas.png\n")
    assert (
        "artiklar/kvalitet-i-praktiken/index.html: "
        "og:image http://127.0.0.1:8000/images/saknas.png is not in the output"
    ) in _seo_error(content_copy, tmp_path)


def _page(lang, canonical, alternates, body=""):
    links = "".join(
        f'<link rel="alternate" hreflang="{k}" href="{v}">' for k, v in alternates.items()
    )
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


def _pair(root, body):
    """Write a Swedish page with `body` and its English translation."""
    sv, en = f"{ORIGIN}/a/", f"{ORIGIN}/en/a/"
    alternates = {"sv": sv, "en": en, "x-default": sv}
    _write(root, "a/index.html", _page("sv", sv, alternates, body))
    _write(root, "en/a/index.html", _page("en", en, alternates, '<h2 id="sec">Sec</h2>'))


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        ('<a href="#top">Up</a><p class="x" id="top">', []),
        ('<a href="#top">Up</a><p data-id="top">', ["broken anchor #top"]),
        ('<a href="#top">Up</a><p\nid = \'top\'>', []),
        ('<a href="#q&amp;a">Up</a><p id="q&amp;a">', []),
        ('<a href="/en/a/#sec">x</a><a href="/en/a/#nope">y</a>', ["broken anchor /en/a/#nope"]),
        ('<a class="x" href="/missing/" title="t">x</a>', ["broken link /missing/"]),
        ("<a href='/missing/'>x</a>", ["broken link /missing/"]),
        ("<a href=/missing/>x</a>", ["broken link /missing/"]),
        ('<A HREF="/missing/">x</A>', ["broken link /missing/"]),
        ('<a href="/missing/" title="a>b">x</a>', ["broken link /missing/"]),
        ('<a href="/missing/?a=1&amp;b=2">x</a>', ["broken link /missing/?a=1&b=2"]),
        ('<a href="/missing/">x</a><a href="/missing/">y</a>', ["broken link /missing/"] * 2),
        ('<a href="/a">x</a><a href="/en/../a/">y</a><a href="/en/a/index.html">z</a>', []),
        ('<a href="mailto:info@example.se">x</a><a href="https://other.example/x">y</a>', []),
        ('<a href="#">x</a><a>y</a><a href="">z</a>', []),
        ('<img src="/logo.png" width="10" height="10">', []),
        ('<IMG SRC="/logo.png" WIDTH="10" HEIGHT="10">', []),
        ('<img src="/logo.png" width="10">', ["image /logo.png has no width and height"]),
        ("<IMG SRC='/logo.png'>", ["image /logo.png has no width and height"]),
        (f'<meta property="og:image" content="{ORIGIN}/en/a/">', []),
        ('<meta property="og:image" content="https://cdn.example.com/a.png">', []),
        (
            f'<meta property="og:image" content="{ORIGIN}/gone.png">',
            [f"og:image {ORIGIN}/gone.png is not in the output"],
        ),
    ],
)
def test_links_anchors_and_images_in_any_markup(tmp_path, body, problems):
    _pair(tmp_path, body)
    assert check_site(tmp_path, ORIGIN, "sv") == [f"a/index.html: {p}" for p in problems]


def test_noindex_page_is_not_checked(tmp_path):
    _pair(tmp_path, '<meta name="robots" content="noindex"><a href="/missing/">x</a>')
    assert check_site(tmp_path, ORIGIN, "sv") == []


def test_link_into_a_symlinked_folder(tmp_path):
    static = tmp_path / "static"
    _write(static, "logo.png", "png")
    output = tmp_path / "output"
    _pair(output, '<a href="/theme/logo.png">x</a><a href="/theme/gone.png">y</a>')
    (output / "theme").symlink_to(static, target_is_directory=True)
    assert check_site(output, ORIGIN, "sv") == ["a/index.html: broken link /theme/gone.png"]


def test_empty_id_is_not_an_error(tmp_path):
    _pair(tmp_path, '<span id="">x</span><a href="#">y</a>')
    assert check_site(tmp_path, ORIGIN, "sv") == []
