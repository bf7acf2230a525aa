"""Search-engine and social metadata, sitemap, robots.txt and output checks."""

from .seo import register

__all__ = ["register"]
