"""Addresses on the public site, and checks on addresses that visitors send."""

from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from flask import current_app
from flask_babel import gettext

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def utm_from(url):
    """Return the UTM parameters found in url's query string."""
    query = parse_qs(urlsplit(url).query) if url else {}
    return {key: query[key][0][:200] for key in UTM_KEYS if key in query}


def same_site_url(url):
    """Return url when it is a page of our own site, else None."""
    site = current_app.config["SITE_URL"]
    if url and (url == site or url.startswith(site + "/")):
        return url
    return None


def web_url(url):
    """Return url when it is an http(s) address, else None."""
    if url and urlsplit(url).scheme in {"http", "https"}:
        return url
    return None


def site_link(msgid_path):
    """Absolute URL on the public site for a per-language path kept in the catalog."""
    return current_app.config["SITE_URL"] + gettext(msgid_path)


def source_page(url):
    """The page a visitor came from, for attribution; None when it is not our site.

    A page that was reached through a call to action names its source article in ?source=
    (the booking page does: /boka-mote/?source=/artiklar/...&utm_source=...). Then the
    source article is the page, with the UTM parameters that came along.
    """
    url = same_site_url(url)
    if url is None:
        return None
    query = parse_qsl(urlsplit(url).query)
    source = dict(query).get("source", "")
    if not source.startswith("/") or source.startswith("//"):
        return url
    carried = [(key, value) for key, value in query if key.startswith("utm_")]
    article = current_app.config["SITE_URL"] + source
    if carried and "?" not in source:
        article += "?" + urlencode(carried)
    return same_site_url(article) or url
