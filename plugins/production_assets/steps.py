"""The production output step: fingerprint, minify, precompress (in that order)."""

from __future__ import annotations

import logging
from pathlib import Path

from .fingerprint import fingerprint_assets, rewrite_references
from .minify import minify_output
from .precompress import precompress_output

logger = logging.getLogger(__name__)


def finish_output(pelican):
    """Apply the steps switched on in the settings, in an order that keeps them consistent."""
    settings = pelican.settings
    output = Path(settings["OUTPUT_PATH"])
    if settings.get("ASSET_FINGERPRINT"):
        renamed = fingerprint_assets(output)
        pages = rewrite_references(output, renamed)
        logger.info("production_assets: fingerprinted %d files in %d pages", len(renamed), pages)
    if settings.get("MINIFY_OUTPUT"):
        saved = minify_output(output)
        logger.info("production_assets: minifying saved %d bytes", saved)
    if settings.get("PRECOMPRESS_OUTPUT"):
        count = precompress_output(output)
        logger.info("production_assets: precompressed %d files", count)
