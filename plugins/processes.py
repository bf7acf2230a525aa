"""How many worker processes a plugin may start: a setting, or one per core.

Shared by parallel_markdown (MARKDOWN_PROCESSES) and related_articles
(RELATED_ARTICLES_PROCESSES); it is no plugin of its own.
"""

from __future__ import annotations

import logging
import os


def process_count(settings, name: str, logger: logging.Logger, instead: str) -> int:
    """Return settings[name], or one per core when unset; a bad value is logged and gives 1.

    The warning reads "<plugin>: <name> must be a whole number >= 1, not <value>; <instead>",
    the plugin named by the first part of `logger`'s name below `plugins`.
    """
    value = settings.get(name)
    if value is None:
        return os.cpu_count() or 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        plugin = logger.name.removeprefix("plugins.").partition(".")[0]
        logger.warning(
            "%s: %s must be a whole number >= 1, not %r; %s", plugin, name, value, instead
        )
        return 1
    return value
