"""The work done in a reader process: Markdown source to HTML and raw metadata.

Each process keeps two Markdown instances for the whole build and resets them
between documents, instead of building a new one (and loading every extension
again) per file as Pelican does.
"""

from __future__ import annotations

from markdown import Markdown
from pelican.utils import pelican_open

_markdown: dict[str, Markdown] = {}


def start(markdown_settings: dict) -> None:
    """Build this process's Markdown instances (the pool's initializer)."""
    _markdown["document"] = Markdown(**markdown_settings)
    fields = Markdown(**markdown_settings)
    # As Pelican does for formatted metadata: no metadata block inside a field.
    fields.preprocessors.deregister("meta")
    _markdown["fields"] = fields


def render(path: str, formatted_fields) -> tuple[str, dict, dict]:
    """Return (HTML, raw metadata, formatted metadata as HTML) for one file."""
    if not _markdown:
        raise RuntimeError("parallel_markdown: worker.start() was not called")
    document = _markdown["document"]
    document.reset()
    with pelican_open(path) as text:
        content = document.convert(text)
    meta = {name.lower(): list(values) for name, values in getattr(document, "Meta", {}).items()}
    fields = _markdown["fields"]
    formatted = {}
    for name, values in meta.items():
        if name in formatted_fields:
            fields.reset()
            formatted[name] = fields.convert("\n".join(values))
    return content, meta, formatted


def render_many(paths, formatted_fields) -> list:
    """Render a batch of files; a file that fails gives None.

    The build then reads that file itself, so its error is raised and reported
    by Pelican exactly as without this plugin.
    """
    results = []
    for path in paths:
        try:
            results.append(render(path, formatted_fields))
        except Exception:
            results.append(None)
    return results
