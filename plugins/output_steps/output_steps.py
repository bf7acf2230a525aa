"""One `finalized` handler that runs OUTPUT_STEPS in order.

Pelican's signals call their receivers in no guaranteed order, but the steps
after the build depend on each other: the SEO checks and the sitemap must see
the pages as rendered, Pagefind must index them, and minifying and compressing
must come last so every file, the search bundle included, gets its .gz and .br.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import logging
import sys
import time

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULT_STEPS = (
    "seo.steps.write_site_files",
    "search_index.steps.start_search_index",
    "seo.steps.check_output",
    "search_index.steps.finish_search_index",
    "production_assets.steps.finish_output",
)


class OutputStepError(ValueError):
    """An entry of OUTPUT_STEPS does not name a function."""


def _import_from_plugin_paths(package: str, plugin_paths) -> None:
    """Import a top-level package from PLUGIN_PATHS, as Pelican does for its plugins.

    A step may live in a package that is not itself in PLUGINS (it has no
    signal handlers), and PLUGIN_PATHS is not on sys.path.
    """
    if package in sys.modules:
        return
    spec = importlib.machinery.PathFinder.find_spec(package, [str(p) for p in plugin_paths])
    if spec is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module
    spec.loader.exec_module(module)


def _resolve(dotted: str, plugin_paths=()):
    module_name, _, name = dotted.rpartition(".")
    try:
        _import_from_plugin_paths(module_name.partition(".")[0], plugin_paths)
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
        (dotted, _resolve(dotted, settings.get("PLUGIN_PATHS", ())))
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
