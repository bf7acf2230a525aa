"""One `finalized` handler that runs OUTPUT_STEPS in order.

Pelican's signals call their receivers in no guaranteed order, but the steps
after the build depend on each other: the SEO checks and the sitemap must see
the pages as rendered, Pagefind must index them, and minifying and compressing
must come last so every file, the search bundle included, gets its .gz and .br.
"""

from __future__ import annotations

import importlib
import logging
import time

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULT_STEPS = (
    "seo.steps.write_site_files",
    "seo.steps.check_output",
    "search_index.steps.build_search_index",
    "production_assets.steps.finish_output",
)


class OutputStepError(ValueError):
    """An entry of OUTPUT_STEPS does not name a function."""


def _resolve(dotted: str):
    module_name, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError, ValueError):
        raise OutputStepError(f"output_steps: cannot find {dotted!r} in OUTPUT_STEPS") from None


def run_output_steps(pelican):
    """Call each configured step with the Pelican object, in order."""
    for dotted in pelican.settings.get("OUTPUT_STEPS", DEFAULT_STEPS):
        step = _resolve(dotted)
        started = time.perf_counter()
        step(pelican)
        logger.debug("output_steps: %s took %.2f s", dotted, time.perf_counter() - started)


def register():
    signals.finalized.connect(run_output_steps)
