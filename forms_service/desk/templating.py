"""Template filters of the desk."""

from urllib.parse import urlsplit


def web_href(url):
    """url when it is an http(s) address (safe in href), else None: no javascript: links."""
    if url and urlsplit(url).scheme in {"http", "https"}:
        return url
    return None


def when(value):
    """A stored UTC time as 'YYYY-MM-DD HH:MM'."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def init_app(app):
    app.add_template_filter(web_href)
    app.add_template_filter(when)


def context():
    """Names every desk template may use."""
    from ..i18n import languages
    from .queries import STANDARDS, standard_of

    labels = dict(STANDARDS)
    return {"languages": languages(),
            "standard_label": lambda url: labels.get(standard_of(url), "")}
