"""Write articles.json: each published article's path with its title, language and standard.

The forms service's sales desk reads it to name the article a lead came from, so it never
parses HTML or guesses from a slug. Setting: ARTICLE_INDEX_SAVE_AS (default articles.json;
empty to turn it off).
"""

import json
import logging
import re
from pathlib import Path

from pelican import signals

log = logging.getLogger(__name__)
# Categories name the standard: "ISO 9001", "ISO/IEC 27001"; other categories name none.
STANDARD = re.compile(r"\bISO(?:/IEC)?\s*(\d{4,5})\b", re.IGNORECASE)


def standard_key(category):
    """'iso9001' for the category "ISO 9001", else None."""
    match = STANDARD.search(str(category or ""))
    return f"iso{match.group(1)}" if match else None


def entry(article):
    """What the desk needs to know about one article."""
    category = getattr(article, "category", None)
    return {
        "title": article.title,
        "lang": article.lang,
        "standard": standard_key(category),
        "category": str(category) if category else None,
        # As written by the author: the multilingual plugin gives untranslated articles one.
        "translation_key": article.metadata.get("translation_key"),
    }


def index(articles):
    """{"/path/": entry} for the given articles, sorted by path."""
    entries = {}
    for article in articles:
        path = "/" + article.url.lstrip("/")
        entries[path] = entry(article)
    return dict(sorted(entries.items()))


def write_index(generator, writer=None):
    """Write the index of the generator's published articles, every language."""
    save_as = generator.settings.get("ARTICLE_INDEX_SAVE_AS", "articles.json")
    if not save_as:
        return
    if not isinstance(save_as, str) or save_as.startswith("/") or ".." in save_as:
        log.error("article_index: ARTICLE_INDEX_SAVE_AS must be a relative path, not %r",
                  save_as)
        return
    articles = list(generator.articles) + list(generator.translations)
    target = Path(generator.output_path) / save_as
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": 1, "articles": index(articles)}
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def register():
    signals.article_writer_finalized.connect(write_index)
