"""Where a lead or booking came from, readable: the article's title and standard, UTM, referrer.

The site build writes articles.json (plugins/article_index): each article's path with its
title, language, standard and translation key. The desk reads it from DESK_ARTICLES_FILE
(default: the repository's output/, which `make run` builds) and reads it again when it
changes. An address it does not know (an old article, a page) is shown as its path.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from ..booking.forms import TOPICS
from .queries import bare_address, standard_of

log = logging.getLogger(__name__)
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
STANDARD_LABELS = dict((key, label) for key, label in TOPICS if key.startswith("iso"))


@dataclass(frozen=True)
class ArticleIndex:
    """The build's articles by path, and by (translation key, language)."""

    by_path: dict
    by_translation: dict

    @classmethod
    def from_data(cls, data):
        articles = data.get("articles", {}) if isinstance(data, dict) else {}
        by_path = {path: item for path, item in articles.items() if isinstance(item, dict)}
        by_translation = {(item["translation_key"], item.get("lang")): path
                          for path, item in by_path.items() if item.get("translation_key")}
        return cls(by_path, by_translation)

    def article(self, path):
        return self.by_path.get(path)

    def title(self, path, language):
        """The article's title in language when it is translated, else in its own."""
        item = self.by_path.get(path)
        if item is None:
            return None
        other = self.by_translation.get((item.get("translation_key"), language))
        return self.by_path[other]["title"] if other else item.get("title")

    def href(self, path, language, origin):
        """The address of the article in language (its translation), at the site's origin."""
        item = self.by_path.get(path)
        other = item and self.by_translation.get((item.get("translation_key"), language))
        return origin + (other or path)

    def paths_about(self, standard):
        """The paths of the articles about standard ("iso9001")."""
        return sorted(path for path, item in self.by_path.items()
                      if item.get("standard") == standard)


EMPTY = ArticleIndex({}, {})


def article_index():
    """The index from DESK_ARTICLES_FILE, read again when the file changes; empty if none."""
    path = Path(current_app.config["DESK_ARTICLES_FILE"])
    cache = current_app.extensions.setdefault("desk_articles", {})
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return EMPTY
    if cache.get("stamp") != (path, stamp):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("desk: cannot read the article index %s: %s", path, exc)
            data = {}
        cache["index"], cache["stamp"] = ArticleIndex.from_data(data), (path, stamp)
    return cache["index"]


def url_path(url):
    """The path of an address, without query or fragment ("" for none)."""
    return urlsplit(bare_address(url or "")).path if url else ""


def host_of(url):
    """The host name of an address ("www.linkedin.com"), or ""."""
    try:
        return (urlsplit(url or "").hostname or "") if url else ""
    except ValueError:
        return ""


@dataclass(frozen=True)
class Source:
    """Where one lead or booking came from, ready to show or export."""

    path: str
    title: str
    standard: str
    href: str | None
    utm: tuple
    referrer_host: str

    @property
    def label(self):
        """The article's title, else the page's path."""
        return self.title or self.path


def describe(row, language, index=None):
    """The Source of a row with page_url, referrer and utm_* attributes."""
    index = index or article_index()
    page_url = getattr(row, "page_url", None)
    path = url_path(page_url)
    item = index.article(path)
    origin = ""
    if page_url and urlsplit(page_url).scheme in {"http", "https"}:
        parts = urlsplit(page_url)
        origin = f"{parts.scheme}://{parts.netloc}"
    standard_key = (item or {}).get("standard") or standard_of(page_url)
    utm = tuple((name.removeprefix("utm_"), value) for name in UTM_FIELDS
                if (value := getattr(row, name, None)))
    return Source(
        path=path,
        title=index.title(path, language) or "" if item else "",
        standard=STANDARD_LABELS.get(standard_key, ""),
        href=index.href(path, language, origin) if item and origin else (
            origin + path if origin else None),
        utm=utm,
        referrer_host=host_of(getattr(row, "referrer", None)),
    )
