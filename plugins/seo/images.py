"""An article's own social image (`Image:`), with {static} and {attach} resolved.

`Image: {static}/images/kv.png` (from the content folder) or `{static}kv.png` (next to the
article) names a file Pelican copies into the output, as the same link in the text would;
the og:image, twitter:image and JSON-LD image then use its URL. A plain value is a path
from the site root, used as it is. The output checks make sure the image was written.
"""

from __future__ import annotations

import os
import re

from .output_checks import SeoError

_LINK = re.compile(r"\{(?P<what>static|attach)\}(?P<path>.+)")
_ARTICLE_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
)


def _articles(generator):
    """Every article of an articles generator, translations, drafts and hidden ones included."""
    for name in _ARTICLE_LISTS:
        yield from getattr(generator, name, None) or []


def _linked_path(article):
    """Return (what, source path from the content folder) of a {static} or {attach} image."""
    match = _LINK.fullmatch(str(getattr(article, "image", "") or "").strip())
    if match is None:
        return None
    path = match.group("path")
    if path.startswith("/"):
        return match.group("what"), path[1:]
    # Relative to the article's own folder, as Pelican reads the same link in the text.
    return match.group("what"), article.get_relative_source_path(
        os.path.join(article.relative_dir, path)
    )


def link_images(generator):
    """Have the static generator copy each linked image, even outside STATIC_PATHS."""
    for article in _articles(generator):
        linked = _linked_path(article)
        # Pelican would read a missing file as static content too; resolve_images reports it.
        if linked is not None and os.path.isfile(os.path.join(generator.path, linked[1])):
            generator.context["static_links"].add(linked[1])


def resolve_images(generators):
    """Replace each {static}/{attach} Image with the URL of the copied file.

    A missing file stops the build, naming the article.
    """
    problems = []
    for generator in generators:
        for article in _articles(generator):
            linked = _linked_path(article)
            if linked is None:
                continue
            what, path = linked
            static = generator.context["static_content"].get(path)
            if static is None or not os.path.isfile(static.source_path):
                source = os.path.relpath(
                    article.source_path, os.path.dirname(article.settings["PATH"])
                )
                problems.append(
                    f"{source}: Image {article.image}: no file {path} in the content folder"
                )
                continue
            if what == "attach":
                static.attach_to(article)
            article.image = article.metadata["image"] = static.url
    if problems:
        raise SeoError(problems)
