"""Feed every page to Pagefind as Pelican writes it (the search_index plugin's signals).

Pagefind then indexes on the second core while Pelican renders on the first;
the output steps in steps.py write the bundle and wait for it.
"""

from __future__ import annotations

import functools

from pelican import signals

from .background import BackgroundIndex

INDEX_KEY = "_SEARCH_INDEX_BACKGROUND"


def attach_index(pelican):
    """Give the build a background search index, stopped when `run()` ends however it ends."""
    settings = pelican.settings
    if not settings.get("SEARCH_INDEX", True):
        return
    # The writer puts pages under OUTPUT_PATH (a staging folder for scripts/build.py).
    index = BackgroundIndex(settings["OUTPUT_PATH"])
    settings[INDEX_KEY] = index
    pelican.run = _aborting_on_exit(pelican.run, index)


def _aborting_on_exit(run, index: BackgroundIndex):
    # Pelican sends no signal when a build fails, so a failed run would leave
    # the feeder and Pagefind behind. After a good build this finds them stopped.
    @functools.wraps(run)
    def run_then_stop_indexing():
        try:
            return run()
        finally:
            index.abort()

    return run_then_stop_indexing


def index_page(path, context):
    """Queue a written HTML page for indexing (content_written); drafts are left out."""
    index = context.get(INDEX_KEY)
    if index is not None and str(path).endswith(".html") and not _is_draft(context):
        index.add(str(path))


def _is_draft(context) -> bool:
    item = context.get("article") or context.get("page")
    return getattr(item, "status", None) == "draft"


def register():
    signals.initialized.connect(attach_index)
    signals.content_written.connect(index_page)
