"""Rank one language's articles, and run the languages side by side.

Languages never share related articles, so each is ranked on its own: the
first in the build's own process and the others, at the same time, in forked
worker processes (RELATED_ARTICLES_PROCESSES; default one per core). Workers
read the articles from the memory they inherit and send back only indices and
word counts; the build's process logs and sets everything.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from plugins import processes

from .cache import CountsCache
from .ranking import Doc, Ranker
from .text import Analyzer, plain_text

logger = logging.getLogger(__name__)

# Below this many articles in all, starting processes costs more than it saves.
MIN_ARTICLES_FOR_PROCESSES = 400


@dataclass
class LanguageJob:
    """One language's articles, newest first, with what each one still needs."""

    lang: str
    articles: list
    orders: list  # sort keys: newest first, then slug
    wants: list[int]  # how many computed articles each one gets
    skips: list[set[int]]  # indices each one must not get (pins, translations)


@dataclass(frozen=True)
class Analysis:
    """What the build's process needs to warn about one article."""

    body_words: int
    has_tags: bool


@dataclass
class LanguageResult:
    ranked: list[list[int]]
    analyses: list[Analysis]
    cache_work: tuple[int, int, dict] = (0, 0, {})


def process_count(settings) -> int:
    """Return RELATED_ARTICLES_PROCESSES, or one per core; warn about and ignore a bad value."""
    return processes.process_count(settings, "RELATED_ARTICLES_PROCESSES", logger, "using 1")


def _fields(article, field_weights):
    return (
        (plain_text(getattr(article, "title", "")), field_weights["title"]),
        (plain_text(article.metadata.get("summary")), field_weights["summary"]),
        (plain_text(getattr(article, "_content", "")), field_weights["body"]),
    )


def rank_language(job: LanguageJob, options, cache: CountsCache) -> LanguageResult:
    """Analyse and rank one language's articles."""
    analyzer = Analyzer(job.lang, options.stopwords.get(job.lang, ()), options.stemming)
    docs, analyses = [], []
    for article, order in zip(job.articles, job.orders, strict=True):
        fields = _fields(article, options.field_weights)
        counts, sizes = cache.counts(job.lang, fields, lambda f=fields: analyzer.count(f))
        tags = frozenset(tag.slug for tag in getattr(article, "tags", None) or ())
        category = getattr(article, "category", None)
        docs.append(
            Doc(
                counts=counts,
                tags=tags,
                topic=category.slug if category is not None else None,
                order=order,
            )
        )
        analyses.append(Analysis(body_words=sizes[2], has_tags=bool(tags)))
    ranker = Ranker(docs, options.weights)
    ranked = [
        ranker.related(i, want, skip)
        for i, (want, skip) in enumerate(zip(job.wants, job.skips, strict=True))
    ]
    return LanguageResult(ranked=ranked, analyses=analyses)


# What the forked workers rank: set just before they start, cleared after.
_WORK: dict = {}


def _rank_in_worker(lang: str) -> LanguageResult:
    job, options, cache = _WORK["jobs"][lang], _WORK["options"], _WORK["cache"]
    mark = cache.mark()
    result = rank_language(job, options, cache)
    result.cache_work = cache.since(mark)  # new counts only when the cache is on
    return result


def rank_languages(jobs: dict, options, cache: CountsCache, processes: int) -> dict:
    """Rank every language; several at once when there are processes to spare."""
    order = sorted(jobs, key=lambda lang: -len(jobs[lang].articles))
    total = sum(len(job.articles) for job in jobs.values())
    workers = min(processes, len(order)) - 1
    if workers < 1 or total < MIN_ARTICLES_FOR_PROCESSES or (
        "fork" not in multiprocessing.get_all_start_methods()
    ):
        return {lang: rank_language(jobs[lang], options, cache) for lang in order}

    _WORK.update(jobs=jobs, options=options, cache=cache)
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            futures = {lang: pool.submit(_rank_in_worker, lang) for lang in order[1:]}
            # The largest language is ranked here while the workers do the rest.
            results = {order[0]: rank_language(jobs[order[0]], options, cache)}
            for lang, future in futures.items():
                results[lang] = future.result()
                cache.merge(*results[lang].cache_work)
    finally:
        _WORK.clear()
    logger.debug("related_articles: %d languages in %d processes", len(order), workers + 1)
    return results
