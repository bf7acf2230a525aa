"""Addresses on the public site, and checks on addresses that visitors send."""

from urllib.parse import urlsplit

from flask import current_app

from .i18n import translate


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
    return current_app.config["SITE_URL"] + translate(msgid_path)
