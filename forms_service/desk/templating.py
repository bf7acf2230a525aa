"""Template filters of the desk."""

from datetime import UTC
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..booking.display import HOME_ZONE


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
    text = start.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if end:
        text += end.replace(tzinfo=UTC).astimezone(zone).strftime("–%H:%M")
    return f"{text} ({HOME_ZONE})"


def init_app(app):
    app.add_template_filter(web_href)
    app.add_template_filter(when)
    app.add_template_filter(home_when)


def context():
    """Names every desk template may use."""
    from ..i18n import languages
    from .queries import STANDARDS, standard_of

    labels = dict(STANDARDS)
    return {"languages": languages(),
            "standard_label": lambda url: labels.get(standard_of(url), "")}
