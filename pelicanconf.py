"""Pelican settings for the development build (`make html`, `make run`)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent

AUTHOR = "Normkraft"
SITENAME = "Normkraft"
SITEURL = ""
TIMEZONE = "Europe/Stockholm"

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
IGNORE_FILES = [".#*", "data"]

THEME = str(ROOT / "theme")

# Languages. Swedish is the default and lives at the site root; every other
# language lives under its own prefix. Adding a language takes an entry here,
# a catalog under theme/translations/ and content with `Lang: xx`.
DEFAULT_LANG = "sv"
LANGUAGES = {
    "sv": {
        "name": "Svenska",
        "locale": "sv_SE",
        "date_locale": "sv_SE",  # Babel's locale for dates and numbers (defaults to `locale`)
        "prefix": "",
        "paths": {"articles": "artiklar", "topics": "amne", "authors": "skribenter"},
    },
    "en": {
        "name": "English",
        "locale": "en_GB",
        "date_locale": "en_GB",  # British English: "Thursday 3 December 2026"
        "prefix": "en/",
        "paths": {"articles": "articles", "topics": "topics", "authors": "authors"},
    },
}

# Translations share a `Translation_key`, never a slug.
ARTICLE_TRANSLATION_ID = "translation_key"
PAGE_TRANSLATION_ID = "translation_key"

# The multilingual plugin writes every listing per language, so Pelican's
# own single-language listings and feeds are switched off.
DIRECT_TEMPLATES = []
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
LANGUAGE_FEEDS = False  # per-language Atom feeds (on in publishconf.py)

DEFAULT_PAGINATION = 12
# The parent pages /artiklar/ and /en/articles/ list every article compactly
# (template `archives`), so they hold more per page than the card listings.
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None, "archives": 60}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    # Language-neutral page numbers: /2/, /en/2/, /amne/iso-9001/2/.
    (2, "{base_name}/{number}/", "{base_name}/{number}/index.html"),
)

# The plugins are the `plugins` package, declared in pyproject.toml; `make install`
# makes it importable, so Pelican imports them by their full names.
PLUGINS = [
    "plugins.parallel_markdown",  # Markdown converted in one process per core
    "plugins.content_checks",
    "plugins.multilingual",
    "plugins.theme_i18n",
    "plugins.standards_table",
    "plugins.seo",
    "plugins.related_articles",
    "plugins.article_index",  # articles.json for the forms service's sales desk
    "plugins.search_index",  # pages go to Pagefind while Pelican writes them
    "plugins.output_steps",
]

# What runs after Pelican has written the site, in this order (the output_steps
# plugin; Pelican's own signals promise no order between plugins).
OUTPUT_STEPS = [
    "plugins.seo.steps.write_site_files",
    "plugins.search_index.steps.start_search_index",  # Pagefind writes its bundle on one core...
    "plugins.seo.steps.check_output",  # ...while the output checks run on the other
    "plugins.search_index.steps.finish_search_index",
    "plugins.production_assets.steps.finish_output",
]

STANDARDS_DATA = str(ROOT / "content" / "data" / "standards.toml")
I18N_CATALOGS = str(ROOT / "theme" / "translations")

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# Company details shown in the footer and used by the forms.
COMPANY = {
    "name": "Normkraft Konsult AB",
    "street": "Drottninggatan 10",
    "postcode": "111 51",
    "city": "Stockholm",
    "email": "info@normkraft.se",
    "phone": "070-174 06 10",
    "phone_e164": "+46701740610",
    "org_number": "559900-0000",
}
# The public origin for canonical URLs, hreflang, Open Graph and the sitemap
# (SITEURL is empty in development, so pages link root-relative).
SITE_ORIGIN = "http://127.0.0.1:8000"
SOCIAL_IMAGE = "theme/images/social.png"
LOGO_IMAGE = "theme/images/logo.png"

# The address in the forms' "something went wrong" message. The forms service
# reads the same variable (forms_service/config.py), so one setting configures both.
SUPPORT_EMAIL = os.environ.get("FORMS_SUPPORT_EMAIL", "support@normkraft.se")
FORMS_URL = "/forms"

RELATIVE_URLS = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = True
