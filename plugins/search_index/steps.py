"""Write the search bundle after Pelican has written the site (output steps).

With the search_index plugin, Pagefind has indexed the pages during the build:
`start_search_index` has it write the bundle in the background, so the output
checks run on the other core meanwhile, and `finish_search_index` waits for it.
Without the plugin the same steps run the Pagefind CLI over the output folder.
`build_search_index` does both at once.
"""

from __future__ import annotations

import logging
import subprocess
import sys

from .page_index import SearchIndexError
from .search_index import INDEX_KEY

logger = logging.getLogger(__name__)

_PROCESS_KEY = "_SEARCH_INDEX_PROCESS"

__all__ = ["SearchIndexError", "build_search_index", "finish_search_index", "start_search_index"]


def start_search_index(pelican):
    """Start writing /pagefind/, with one index per <html lang>, in the background."""
    settings = pelican.settings
    if not settings.get("SEARCH_INDEX", True):
        return
    index = settings.get(INDEX_KEY)
    if index is not None:
        index.write()
        return
    command = [sys.executable, "-m", "pagefind", "--site", settings["OUTPUT_PATH"], "--silent"]
    settings[_PROCESS_KEY] = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish_search_index(pelican):
    """Wait for the bundle; stop the build if Pagefind failed."""
    settings = pelican.settings
    process = settings.pop(_PROCESS_KEY, None)
    if process is not None:
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            raise SearchIndexError(
                f"search_index: pagefind failed ({process.returncode}): "
                f"{(stderr or stdout).strip()}"
            )
        logger.info("search_index: indexed %s", settings["OUTPUT_PATH"])
    index = settings.get(INDEX_KEY)
    if index is not None:
        pages = index.finish()
        logger.info("search_index: indexed %d pages in %s", pages, settings["OUTPUT_PATH"])


# Run even when an earlier step failed, so no Pagefind process outlives the build.
finish_search_index.always_run = True


def build_search_index(pelican):
    start_search_index(pelican)
    finish_search_index(pelican)
