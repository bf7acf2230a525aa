"""Pelican settings for the production build (`make publish`)."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: E402,F403

# The public origin, e.g. https://www.normkraft.se. Absolute URLs in feeds,
# canonical links and the sitemap are built from it.
SITEURL = os.environ.get("SITEURL", "https://www.normkraft.se").rstrip("/")
RELATIVE_URLS = False
SITE_ORIGIN = SITEURL
LANGUAGE_FEEDS = True
ASSET_FINGERPRINT = True  # site.<hash>.css: cache forever, never stale
MINIFY_OUTPUT = True
PRECOMPRESS_OUTPUT = True  # .gz and .br beside each text file
DELETE_OUTPUT_DIRECTORY = True
