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
    "plugins.seo.steps.write_site_files",
    "plugins.search_index.steps.start_search_index",
    "plugins.seo.steps.check_output",
    "plugins.search_index.steps.finish_search_index",
    "plugins.production_assets.steps.finish_output",
)


class OutputStepError(ValueError):
    """An entry of OUTPUT_STEPS does not name a function."""


def _resolve(dotted: str):
    """Import the function that `dotted` ("package.module.function") names."""
    module_name, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError, ValueError):
        raise OutputStepError(f"output_steps: cannot find {dotted!r} in OUTPUT_STEPS") from None


def run_output_steps(pelican):
    """Call each configured step with the Pelican object, in order.

    After a step fails, only the later steps marked `always_run` (clean-ups such
    as waiting for a background process) still run; then the error goes on.
    """
    settings = pelican.settings
    steps = [
        (dotted, _resolve(dotted))
        for dotted in settings.get("OUTPUT_STEPS", DEFAULT_STEPS)
    ]
    failure = None
    for dotted, step in steps:
        if failure is not None and not getattr(step, "always_run", False):
            continue
        started = time.perf_counter()
        try:
            step(pelican)
        except Exception as exc:  # re-raised below, once the clean-ups have run
            failure = failure or exc
        logger.debug("output_steps: %s took %.2f s", dotted, time.perf_counter() - started)
    if failure is not None:
        raise failure


def register():
    signals.finalized.connect(run_output_steps)
