"""Production output: cache-busting asset names, minified files, gzip and brotli copies."""

from .production_assets import register

__all__ = ["register"]
