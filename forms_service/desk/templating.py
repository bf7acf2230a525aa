"""Template filters of the desk."""

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import request, url_for

from ..booking.display import HOME_ZONE, as_utc


def web_href(url):
    """url when it is an http(s) address (safe in href), else None: no javascript: links."""
    if url and urlsplit(url).scheme in {"http", "https"}:
        return url
    return None


def when(value):
    """A stored UTC time as 'YYYY-MM-DD HH:MM'."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def home_when(start, end=None):
    """A stored UTC meeting time in the home zone, named: '2026-07-01 14:00 (Europe/Stockholm)'.

    Sales work in Sweden, so a bare UTC clock time would be read two hours off in summer.
    """
    if not start:
        return ""
    zone = ZoneInfo(HOME_ZONE)
    text = as_utc(start).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if end:
        text += as_utc(end).astimezone(zone).strftime("–%H:%M")
    return f"{text} ({HOME_ZONE})"


def language_url(code):
    """This page in language code, keeping its filters and page (every query arg but lang)."""
    args = request.args.to_dict(flat=False)
    args.pop("lang", None)
    return url_for(request.endpoint, **{**args, **(request.view_args or {}), "lang": code})


def init_app(app):
    app.add_template_filter(web_href)
    app.add_template_filter(when)
    app.add_template_filter(home_when)


def consultant_name(key):
    """The consultant's name from the availability file, else the stored key."""
    from ..booking.blueprint import availability

    consultant = availability().consultant(key)
    return consultant.name if consultant else key


def context():
    """Names every desk template may use."""
    from flask import g

    from ..i18n import languages
    from .articles import article_index, describe
    from .lifecycle import stage_label

    index = article_index()
    return {"languages": languages(), "language_url": language_url,
            "describe_source": lambda row: describe(row, g.lang, index),
            "consultant_name": consultant_name, "stage_label": stage_label}
