"""Run Pagefind over the output folder once Pelican has written it (an output step)."""

from __future__ import annotations

import logging
import subprocess
import sys

logger = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    """Pagefind failed to index the site."""


def build_search_index(pelican):
    """Write /pagefind/ into the output; Pagefind splits the index by <html lang>."""
    settings = pelican.settings
    if not settings.get("SEARCH_INDEX", True):
        return
    command = [
        sys.executable, "-m", "pagefind", "--site", settings["OUTPUT_PATH"], "--silent",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(
            f"search_index: pagefind failed ({result.returncode}): "
            f"{(result.stderr or result.stdout).strip()}"
        )
    logger.info("search_index: indexed %s", settings["OUTPUT_PATH"])
