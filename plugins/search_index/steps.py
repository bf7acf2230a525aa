"""Run Pagefind over the output folder once Pelican has written it (output steps).

`start_search_index` launches Pagefind in the background, so the output checks
can run on the other core meanwhile; `finish_search_index` waits for it.
`build_search_index` does both at once.
"""

from __future__ import annotations

import logging
import subprocess
import sys

logger = logging.getLogger(__name__)

_PROCESS_KEY = "_SEARCH_INDEX_PROCESS"


class SearchIndexError(RuntimeError):
    """Pagefind failed to index the site."""


def start_search_index(pelican):
    """Start Pagefind on the output; it writes /pagefind/ with one index per <html lang>."""
    settings = pelican.settings
    if not settings.get("SEARCH_INDEX", True):
        return
    command = [sys.executable, "-m", "pagefind", "--site", settings["OUTPUT_PATH"], "--silent"]
    settings[_PROCESS_KEY] = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish_search_index(pelican):
    """Wait for Pagefind; stop the build if it failed."""
    process = pelican.settings.pop(_PROCESS_KEY, None)
    if process is None:
        return
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SearchIndexError(
            f"search_index: pagefind failed ({process.returncode}): {(stderr or stdout).strip()}"
        )
    logger.info("search_index: indexed %s", pelican.settings["OUTPUT_PATH"])


# Run even when an earlier step failed, so no Pagefind process outlives the build.
finish_search_index.always_run = True


def build_search_index(pelican):
    start_search_index(pelican)
    finish_search_index(pelican)
