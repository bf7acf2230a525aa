"""Connect the multilingual handlers to Pelican's signals."""

from pelican import signals

from .languages import languages_from_settings
from .listings import (
    LanguageListingsGenerator,
    group_articles_by_language,
    group_pages_by_language,
    localize_feed,
)
from .localized import localize_content
from .switcher import install_template_helpers


def cache_languages(pelican):
    """Validate LANGUAGES once, before anything is read."""
    languages_from_settings(pelican.settings)
    # The list of every article (/artiklar/) is paginated like the other
    # listings; settings that leave it out get DEFAULT_PAGINATION.
    pelican.settings["PAGINATED_TEMPLATES"].setdefault("archives", None)


def add_listings_generator(pelican):
    return LanguageListingsGenerator


def register():
    signals.initialized.connect(cache_languages)
    signals.content_object_init.connect(localize_content)
    signals.article_generator_finalized.connect(group_articles_by_language)
    signals.page_generator_finalized.connect(group_pages_by_language)
    signals.get_generators.connect(add_listings_generator)
    signals.generator_init.connect(install_template_helpers)
    signals.feed_generated.connect(localize_feed)
