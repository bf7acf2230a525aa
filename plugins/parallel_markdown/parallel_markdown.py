"""Read Markdown in several processes: Pelican's reader, with the conversion done ahead.

MARKDOWN_PROCESSES sets how many processes (default: one per core; 1 reads
everything in the build's own process, as Pelican does).
"""

from __future__ import annotations

import os

from pelican import signals
from pelican.readers import MarkdownReader

from .reader import ParallelMarkdownReader


def use_parallel_reader(readers):
    """Replace Pelican's Markdown reader (and only it) for every Markdown extension."""
    classes = readers.reader_classes  # instantiated by Pelican after this signal
    for extension, reader_class in classes.items():
        if reader_class is MarkdownReader:
            classes[extension] = ParallelMarkdownReader


def _plan(generator, paths_setting, excludes_setting):
    files = generator.get_files(
        generator.settings[paths_setting], exclude=generator.settings[excludes_setting]
    )
    by_reader = {}
    for name in files:
        reader = generator.readers.readers.get(name.rpartition(".")[2])
        if not isinstance(reader, ParallelMarkdownReader):
            continue
        # Content that Pelican's cache still holds is not read at all.
        if generator.get_cached_data(name, None) is not None:
            continue
        path = os.path.abspath(os.path.join(generator.path, name))
        if generator.readers.get_cached_data(path, (None, None))[0] is not None:
            continue
        by_reader.setdefault(id(reader), (reader, []))[1].append(path)
    for reader, paths in by_reader.values():
        reader.plan(paths)


def plan_articles(generator):
    _plan(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def plan_pages(generator):
    _plan(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def stop_readers(generator):
    for reader in {id(r): r for r in generator.readers.readers.values()}.values():
        if isinstance(reader, ParallelMarkdownReader):
            reader.close()


def register():
    signals.readers_init.connect(use_parallel_reader)
    signals.article_generator_init.connect(plan_articles)
    signals.page_generator_init.connect(plan_pages)
    signals.article_generator_finalized.connect(stop_readers)
    signals.page_generator_finalized.connect(stop_readers)
