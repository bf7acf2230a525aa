"""Record every written page, then write sitemap.xml and robots.txt."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as etree

from .urls import absolute, hreflang_versions, page_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
_RECORDS_KEY = "_SEO_SITEMAP_RECORDS"


def start_recording(settings) -> None:
    settings[_RECORDS_KEY] = {}


def _last_modified(context):
    item = context.get("article") or context.get("page")
    if item is not None:
        stamp = getattr(item, "modified", None) or getattr(item, "date", None)
        if stamp is None:
            mtime = os.stat(item.source_path).st_mtime
            stamp = datetime.fromtimestamp(mtime, tz=UTC).replace(microsecond=0)
        return stamp
    articles_page = context.get("articles_page")
    if articles_page is not None and articles_page.object_list:
        return max(getattr(a, "modified", None) or a.date for a in articles_page.object_list)
    # Listings that are not paginated (all topics, all authors) name their own.
    return context.get("listing_modified")


def record_page(path, context) -> None:
    """Remember a written HTML page's URL, alternates and last change (content_written)."""
    records = context.get(_RECORDS_KEY)
    if records is None or not str(path).endswith(".html"):
        return
    url = page_url(context)
    if url is None:
        return
    lastmod = _last_modified(context)
    records[absolute(context, url)] = {
        "lastmod": lastmod.isoformat() if lastmod is not None else None,
        "alternates": hreflang_versions(context),
    }


def write_sitemap(settings, context) -> Path:
    """Write sitemap.xml with every page and its language alternates; return its path."""
    etree.register_namespace("", SITEMAP_NS)
    etree.register_namespace("xhtml", XHTML_NS)
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset")
    for loc, record in sorted(settings.get(_RECORDS_KEY, {}).items()):
        url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = loc
        if record["lastmod"]:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = record["lastmod"]
        for hreflang, href in record["alternates"]:
            link = etree.SubElement(url, f"{{{XHTML_NS}}}link")
            link.set("rel", "alternate")
            link.set("hreflang", hreflang)
            link.set("href", href)
    path = Path(settings["OUTPUT_PATH"]) / "sitemap.xml"
    etree.ElementTree(urlset).write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_robots(settings, context) -> Path:
    path = Path(settings["OUTPUT_PATH"]) / "robots.txt"
    path.write_text(
        f"User-agent: *\nDisallow: /forms/\n\nSitemap: {absolute(context, 'sitemap.xml')}\n",
        encoding="utf-8",
    )
    return path
