"""Minify HTML, CSS and JavaScript in place with minify-html, rcssmin and rjsmin."""

from __future__ import annotations

from pathlib import Path

import minify_html
import rcssmin
import rjsmin


def minify_output(output: Path, skip=("pagefind",)) -> int:
    """Minify every .html, .css and .js file outside `skip`; return the bytes saved."""
    saved = 0
    for path in output.rglob("*"):
        if not path.is_file() or path.relative_to(output).parts[0] in skip:
            continue
        if path.suffix == ".html":
            minify = _minify_html
        elif path.suffix == ".css":
            minify = rcssmin.cssmin
        elif path.suffix == ".js":
            minify = rjsmin.jsmin
        else:
            continue
        text = path.read_text(encoding="utf-8")
        smaller = minify(text)
        saved += len(text.encode()) - len(smaller.encode())
        path.write_text(smaller, encoding="utf-8")
    return saved


def _minify_html(text: str) -> str:
    # Keep closing tags and quoted attributes: the result must stay valid HTML
    # for the Nu checker and for the build-time checks.
    return minify_html.minify(
        text,
        minify_css=True,
        minify_js=True,
        keep_closing_tags=True,
        keep_html_and_head_opening_tags=True,
        keep_comments=False,
    )
