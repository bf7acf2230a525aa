"""The checks themselves: required metadata, languages, translation keys, links."""

from __future__ import annotations

import os
from collections import defaultdict
from urllib.parse import unquote, urlparse

from pelican.contents import Article, Page

from .errors import report

REQUIRED = {"article": ("title", "date", "lang"), "page": ("title", "lang")}


def _source(settings, path) -> str:
    return os.path.relpath(path, os.path.dirname(settings["PATH"])) if path else "?"


def _line_of(path, found) -> int | None:
    """Return the number of the first line of the file at `path` where `found(line)` holds."""
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if found(line):
                    return number
    except (OSError, UnicodeDecodeError):  # the problem is still worth reporting without a line
        pass
    return None


def check_metadata(content) -> None:
    """Report missing required metadata and unknown languages of one article or page."""
    if isinstance(content, Article):
        kind = "article"
    elif isinstance(content, Page):
        kind = "page"
    else:
        return
    settings, metadata = content.settings, content.metadata
    source = _source(settings, content.source_path)
    for name in REQUIRED[kind]:
        if not metadata.get(name):
            report(settings, source, f"missing '{name}' metadata")
    lang = metadata.get("lang")
    languages = settings.get("LANGUAGES") or {}
    if lang and lang not in languages:
        known = ", ".join(sorted(languages))
        line = _line_of(content.source_path, lambda text: text.lower().startswith("lang:"))
        report(settings, source, f"unknown language '{lang}' (known: {known})", line)


def check_translation_keys(settings, items) -> None:
    """Report a translation_key used by two items of the same language."""
    seen = defaultdict(list)
    for item in items:
        key = getattr(item, "translation_key", None)
        if key:
            seen[(item.lang, key)].append(item)
    for (lang, key), group in sorted(seen.items()):
        if len(group) > 1:
            files = ", ".join(sorted(_source(settings, i.source_path) for i in group))
            message = f"translation_key '{key}' is used more than once in language '{lang}'"
            report(settings, files, message)


def _link_target_exists(item, what, value, context) -> bool:
    key = "generated_content" if what == "filename" else "static_content"
    url = urlparse(value)
    for path in (url.path, unquote(url.path)):
        if path.startswith("/"):
            path = path[1:]
        else:
            path = item.get_relative_source_path(os.path.join(item.relative_dir, path))
        if path in context[key] or (what == "filename" and path in context["static_content"]):
            return True
    return False


def check_links(settings, items, context) -> None:
    """Report {filename}, {static} and {attach} links whose target does not exist."""
    for item in items:
        raw = getattr(item, "_content", None) or ""
        pattern = item._get_intrasite_link_regex()
        for match in pattern.finditer(raw):
            what = match.group("what")
            if what not in ("filename", "static", "attach"):
                continue
            if not _link_target_exists(item, what, match.group("value"), context):
                link = f"{{{what}}}{match.group('value')}"
                line = _line_of(item.source_path, lambda text, link=link: link in text)
                report(settings, _source(settings, item.source_path), f"broken link {link}", line)
