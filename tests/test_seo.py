"""Head metadata, JSON-LD, sitemap, robots.txt and feeds of a built site."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from site_helpers import ORIGIN, ROOT, build_fixture, edit, parse

SV = "artiklar/kvalitet-i-praktiken/index.html"
EN = "en/articles/quality-in-practice/index.html"
SV_ONLY = "artiklar/vad-kostar-en-certifiering/index.html"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def _meta(soup, prop):
    tag = soup.find("meta", attrs={"property": prop}) or soup.find("meta", attrs={"name": prop})
    return tag["content"] if tag else None


def _alternates(soup):
    return {link["hreflang"]: link["href"] for link in soup.select("link[rel=alternate][hreflang]")}


def _json_ld(soup):
    graph = json.loads(soup.select_one("script[type='application/ld+json']").string)["@graph"]
    return {item["@type"]: item for item in graph}


def test_translated_article_head(origin_site):
    soup = parse(origin_site / SV)
    assert soup.html["lang"] == "sv"
    assert (soup.select_one("link[rel=canonical]")["href"]
            == f"{ORIGIN}/artiklar/kvalitet-i-praktiken/")
    assert _alternates(soup) == {
        "sv": f"{ORIGIN}/artiklar/kvalitet-i-praktiken/",
        "en": f"{ORIGIN}/en/articles/quality-in-practice/",
        "x-default": f"{ORIGIN}/artiklar/kvalitet-i-praktiken/",
    }
    assert _alternates(parse(origin_site / EN)) == _alternates(soup)
    assert _meta(soup, "description") == "Hur ett kvalitetsledningssystem fungerar i vardagen."
    assert _meta(soup, "og:type") == "article"
    assert _meta(soup, "og:title") == "Kvalitet i praktiken | Normkraft"
    assert _meta(soup, "og:url") == f"{ORIGIN}/artiklar/kvalitet-i-praktiken/"
    assert _meta(soup, "og:image") == f"{ORIGIN}/theme/images/social.png"
    assert _meta(soup, "og:locale") == "sv_SE"
    assert _meta(soup, "og:locale:alternate") == "en_GB"
    assert _meta(soup, "article:published_time") == "2023-10-20T09:00:00+02:00"
    assert _meta(soup, "article:modified_time") == "2023-10-20T09:00:00+02:00"
    assert [m["content"] for m in soup.find_all("meta", attrs={"property": "article:tag"})] == [
        "ISO 9001",
        "kvalitet",
    ]
    assert _meta(soup, "twitter:card") == "summary_large_image"
    assert _meta(parse(origin_site / EN), "og:locale") == "en_GB"


def test_untranslated_article_head(origin_site):
    soup = parse(origin_site / SV_ONLY)
    url = f"{ORIGIN}/artiklar/vad-kostar-en-certifiering/"
    assert _alternates(soup) == {"sv": url, "x-default": url}
    assert _meta(soup, "og:locale:alternate") is None


def test_article_json_ld(origin_site):
    data = _json_ld(parse(origin_site / EN))
    post = data["BlogPosting"]
    assert post["headline"] == "Quality in practice"
    assert post["description"] == "How a quality management system works day to day."
    assert post["datePublished"] == "2023-10-20T09:00:00+02:00"
    assert post["dateModified"] == "2023-10-20T09:00:00+02:00"
    assert post["author"] == {
        "@type": "Person",
        "name": "Karin Sjöberg",
        "url": f"{ORIGIN}/en/authors/karin-sjoberg/",
    }
    assert post["publisher"]["@type"] == "Organization"
    assert post["publisher"]["logo"]["url"] == f"{ORIGIN}/theme/images/logo.png"
    assert post["inLanguage"] == "en"
    assert post["mainEntityOfPage"]["@id"] == f"{ORIGIN}/en/articles/quality-in-practice/"
    assert post["image"] == f"{ORIGIN}/theme/images/social.png"
    crumbs = [i["item"] for i in data["BreadcrumbList"]["itemListElement"]]
    assert crumbs == [
        f"{ORIGIN}/en/",
        f"{ORIGIN}/en/topics/iso-9001/",
        f"{ORIGIN}/en/articles/quality-in-practice/",
    ]


def _social_images(soup):
    return {
        "og:image": _meta(soup, "og:image"),
        "twitter:image": _meta(soup, "twitter:image"),
        "json-ld": _json_ld(soup)["BlogPosting"]["image"],
    }


def test_article_with_its_own_image(content_copy, tmp_path):
    png = (ROOT / "theme/static/images/logo.png").read_bytes()
    (content_copy / "images").mkdir()
    (content_copy / "images/kv.png").write_bytes(png)
    (content_copy / "articles/en/diagram.png").write_bytes(png)
    edit(content_copy / "articles/sv/kvalitet.md", "Lang: sv\n",
         "Lang: sv\nImage: {static}/images/kv.png\n")
    edit(content_copy / "articles/en/quality.md", "Lang: en\n",
         "Lang: en\nImage: {attach}diagram.png\n")
    site = build_fixture(tmp_path / "out", path=content_copy, SITEURL=ORIGIN)

    sv = _social_images(parse(site / SV))
    assert set(sv.values()) == {f"{ORIGIN}/images/kv.png"}, sv
    assert (site / "images/kv.png").read_bytes() == png
    # {attach} puts the image next to the article that names it.
    en = _social_images(parse(site / EN))
    assert set(en.values()) == {f"{ORIGIN}/en/articles/quality-in-practice/diagram.png"}, en
    assert (site / "en/articles/quality-in-practice/diagram.png").read_bytes() == png
    assert _meta(parse(site / SV_ONLY), "og:image") == f"{ORIGIN}/theme/images/social.png"


def test_home_pages_describe_the_organization(origin_site):
    for path, lang in (("index.html", "sv"), ("en/index.html", "en")):
        data = _json_ld(parse(origin_site / path))
        assert data["Organization"]["name"] == "Normkraft Konsult AB"
        assert data["Organization"]["address"]["addressLocality"] == "Stockholm"
        assert data["WebSite"]["inLanguage"] == lang


def test_not_found_pages_are_not_indexed(origin_site):
    soup = parse(origin_site / "en/404.html")
    assert _meta(soup, "robots") == "noindex"
    assert soup.select_one("link[rel=canonical]") is None


def test_sitemap_matches_what_the_pages_say(origin_site):
    tree = ET.parse(origin_site / "sitemap.xml")
    entries = {}
    for url in tree.getroot().findall("s:url", NS):
        loc = url.find("s:loc", NS).text
        assert url.find("s:lastmod", NS).text
        entries[loc] = {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
    pages = [p for p in origin_site.rglob("*.html") if p.name != "404.html"]
    assert len(entries) == len(pages)
    for path in pages:
        soup = parse(path)
        canonical = soup.select_one("link[rel=canonical]")["href"]
        assert entries[canonical] == _alternates(soup), path
        assert "x-default" in entries[canonical]


def test_sitemap_lastmod_is_the_article_date(origin_site):
    tree = ET.parse(origin_site / "sitemap.xml")
    lastmod = {
        u.find("s:loc", NS).text: u.find("s:lastmod", NS).text
        for u in tree.getroot().findall("s:url", NS)
    }
    assert lastmod[f"{ORIGIN}/en/articles/quality-in-practice/"] == "2023-10-20T09:00:00+02:00"
    assert lastmod[f"{ORIGIN}/"] == "2024-05-05T08:00:00+02:00"


def test_robots_points_to_the_sitemap(origin_site):
    robots = (origin_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in robots.splitlines()


def test_each_language_has_its_own_feed(origin_site):
    for prefix, _lang, expected in (
        ("", "sv", {"Kvalitet i praktiken", "Miljöledning med ISO 14001",
                    "Vad kostar en certifiering?"}),
        ("en/", "en", {"Quality in practice", "Environmental management with ISO 14001"}),
    ):
        feed = ET.parse(origin_site / f"{prefix}feeds/atom.xml").getroot()
        titles = {e.find("{http://www.w3.org/2005/Atom}title").text for e in feed.iter("{http://www.w3.org/2005/Atom}entry")}
        assert titles == expected
        link = parse(origin_site / f"{prefix}index.html").select_one(
            "link[type='application/atom+xml']")
        assert link["href"] == f"{ORIGIN}/{prefix}feeds/atom.xml"
