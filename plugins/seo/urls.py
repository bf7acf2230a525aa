"""Absolute URLs and the page being rendered."""

from __future__ import annotations

from plugins.multilingual.switcher import page_versions

DEFAULT_ORIGIN = "http://127.0.0.1:8000"


def site_origin(context) -> str:
    """Return the public origin: SITEURL when absolute, else SITE_ORIGIN."""
    siteurl = context.get("SITEURL") or ""
    if siteurl.startswith(("http://", "https://")):
        return siteurl.rstrip("/")
    return (context.get("SITE_ORIGIN") or DEFAULT_ORIGIN).rstrip("/")


def absolute(context, url: str) -> str:
    return f"{site_origin(context)}/{url.lstrip('/')}"


def page_url(context) -> str | None:
    """Return the site-relative URL of the page being rendered.

    None for pages search engines must not index, 404 pages and drafts: they
    get no canonical link, no alternates and no sitemap entry, and the theme
    marks them noindex.
    """
    if context.get("is_not_found_page"):
        return None
    for name in ("article", "page"):
        item = context.get(name)
        if item is not None:
            return None if getattr(item, "status", None) == "draft" else item.url
    articles_page = context.get("articles_page")
    if articles_page is not None:
        return articles_page.url
    # A listing that is not paginated: the lists of every topic and author.
    return context.get("listing_url")


def hreflang_versions(context) -> list[tuple[str, str]]:
    """Return (hreflang, absolute URL) for every version, then x-default."""
    if page_url(context) is None:
        return []
    versions = page_versions(context)
    links = [(code, absolute(context, url)) for code, url in versions.items()]
    default = versions.get(context["DEFAULT_LANG"])
    if default is None:  # no default-language version: the page is its own default
        default = page_url(context)
    links.append(("x-default", absolute(context, default)))
    return links
