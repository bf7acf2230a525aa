"""Connect the content checks to Pelican's signals."""

from pelican import signals

from .checks import check_links, check_metadata, check_translation_keys
from .errors import raise_if_problems, start_collecting, stop_collecting


def begin_build(pelican):
    start_collecting(pelican.settings)


def check_articles(generator):
    check_translation_keys(generator.settings, [*generator.articles, *generator.translations])
    raise_if_problems(generator.settings)


def check_pages(generator):
    check_translation_keys(generator.settings, [*generator.pages, *generator.translations])
    raise_if_problems(generator.settings)


def check_all_links(generators):
    settings = generators[0].settings
    context = generators[0].context
    items = []
    for generator in generators:
        for name in ("articles", "translations", "pages", "hidden_articles", "hidden_pages"):
            items.extend(getattr(generator, name, []) or [])
    check_links(settings, items, context)
    raise_if_problems(settings)


def end_build(pelican):
    stop_collecting(pelican.settings)


def register():
    signals.initialized.connect(begin_build)
    signals.content_object_init.connect(check_metadata)
    signals.article_generator_finalized.connect(check_articles)
    signals.page_generator_finalized.connect(check_pages)
    signals.all_generators_finalized.connect(check_all_links)
    signals.finalized.connect(end_build)
