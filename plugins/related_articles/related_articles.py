"""Give every article, translations included, its `related_articles`.

Editors' pins (`Related: slug-a, slug-b`) come first; the rest are ranked by
text (ranking.py), shared tags and topic, and filled with the newest articles
of the same topic, then of any topic, so the list is never empty while the
language has other articles.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field

import snowballstemmer
from pelican import signals

from .cache import CountsCache
from .language_job import Analysis, LanguageJob, process_count, rank_languages
from .ranking import Weights

logger = logging.getLogger(__name__)

# Bump when the way term counts are made changes, so old caches are dropped.
COUNTS_VERSION = 1
FIELDS = ("title", "summary", "body")
DEFAULT_FIELD_WEIGHTS = {"title": 3, "summary": 2, "body": 1}
# Bodies shorter than this cannot say what an article is about.
MIN_BODY_WORDS = 5


@dataclass(frozen=True)
class Options:
    """The plugin's settings, validated."""

    max: int = 3
    field_weights: dict = field(default_factory=lambda: dict(DEFAULT_FIELD_WEIGHTS))
    stopwords: dict = field(default_factory=dict)
    stemming: bool = True
    weights: Weights = Weights()

    @property
    def fingerprint(self) -> str:
        """Identify everything that term counts depend on."""
        parts = (
            COUNTS_VERSION,
            getattr(snowballstemmer, "__version__", ""),
            sorted(self.field_weights.items()),
            sorted((lang, sorted(words)) for lang, words in self.stopwords.items()),
            self.stemming,
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _setting(settings, name, default, valid, expected):
    value = settings.get(name, default)
    if not valid(value):
        logger.warning(
            "related_articles: %s must be %s, not %r; using %r", name, expected, value, default
        )
        return default
    return value


def _weight(settings, name, default):
    return _setting(settings, name, default, lambda v: _is_number(v) and v >= 0, "a number >= 0")


def read_options(settings) -> Options:
    """Read the RELATED_ARTICLES_* settings, warning about and replacing bad values."""
    maximum = _setting(
        settings,
        "RELATED_ARTICLES_MAX",
        3,
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        "a whole number >= 0",
    )
    field_weights = _setting(
        settings,
        "RELATED_ARTICLES_FIELD_WEIGHTS",
        DEFAULT_FIELD_WEIGHTS,
        lambda v: isinstance(v, dict)
        and set(v) <= set(FIELDS)
        and all(_is_number(w) and w >= 0 for w in v.values()),
        f"a dict of {', '.join(FIELDS)} to numbers >= 0",
    )
    stopwords = _setting(
        settings,
        "RELATED_ARTICLES_STOPWORDS",
        {},
        lambda v: isinstance(v, dict)
        and all(
            not isinstance(words, str) and all(isinstance(w, str) for w in words)
            for words in v.values()
        ),
        "a dict of language codes to lists of words",
    )
    stemming = _setting(
        settings, "RELATED_ARTICLES_STEMMING", True, lambda v: isinstance(v, bool), "True or False"
    )
    tag_weight = _weight(settings, "RELATED_ARTICLES_TAG_WEIGHT", Weights.tags)
    topic_weight = _weight(settings, "RELATED_ARTICLES_TOPIC_WEIGHT", Weights.topic)
    return Options(
        max=maximum,
        field_weights={**dict.fromkeys(FIELDS, 0), **field_weights},
        stopwords={lang: list(words) for lang, words in stopwords.items()},
        stemming=stemming,
        weights=Weights(tags=tag_weight, topic=topic_weight),
    )


def _source(article) -> str:
    settings, path = article.settings, article.source_path
    return os.path.relpath(path, os.path.dirname(settings["PATH"])) if path else "?"


def _order(article) -> tuple:
    date = getattr(article, "date", None)
    return (-date.timestamp() if date else 0.0, article.slug or "", article.source_path or "")


def _warn_about_thin_content(article, analysis: Analysis) -> None:
    if analysis.body_words == 0:
        logger.warning(
            "related_articles: %s has no body text; ranking it by title, summary, tags and topic",
            _source(article),
        )
    elif analysis.body_words < MIN_BODY_WORDS:
        logger.warning(
            "related_articles: %s has a body of only %d word(s); "
            "ranking it mostly by title, summary, tags and topic",
            _source(article),
            analysis.body_words,
        )
    if not analysis.has_tags:
        logger.warning(
            "related_articles: %s has no tags; ranking it by text and topic", _source(article)
        )


def _pinned_slugs(article) -> list[str]:
    value = article.metadata.get("related")
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else value
    return [str(item).strip() for item in items if str(item).strip()]


def _resolve_pins(article, by_slug, maximum: int) -> list:
    """Return the articles pinned by `article`, warning about each unusable pin."""
    slugs = _pinned_slugs(article)
    if not slugs:
        return []
    source = _source(article)
    own = by_slug[article.lang]
    pinned, seen = [], set()
    for slug in slugs:
        target = own.get(slug)
        if slug in seen:
            logger.warning("related_articles: %s pins '%s' more than once", source, slug)
        elif target is article:
            logger.warning("related_articles: %s pins '%s', which is itself", source, slug)
        elif target is None:
            elsewhere = sorted(lang for lang, slugs in by_slug.items() if slug in slugs)
            if elsewhere:
                logger.warning(
                    "related_articles: %s pins '%s', which is in another language (%s), "
                    "not '%s'",
                    source,
                    slug,
                    ", ".join(elsewhere),
                    article.lang,
                )
            else:
                logger.warning(
                    "related_articles: %s pins '%s', but no article has that slug", source, slug
                )
        else:
            pinned.append(target)
        seen.add(slug)
    if len(pinned) > maximum:
        logger.warning(
            "related_articles: %s pins %d articles; only the first %d are shown",
            source,
            len(pinned),
            maximum,
        )
    return pinned[:maximum]


def relate_articles(generator) -> None:
    """Set `related_articles` on every article and translation of the generator."""
    # The build's objects are not garbage the ranking makes: keep the collector
    # off them (and off the copies forked workers inherit, which it would touch).
    gc.freeze()
    try:
        _relate_articles(generator)
    finally:
        gc.unfreeze()


def _relate_articles(generator) -> None:
    started = time.perf_counter()
    settings = generator.settings
    options = read_options(settings)
    cache = CountsCache(settings, options.fingerprint)
    groups = defaultdict(list)
    for article in [*generator.articles, *generator.translations]:
        groups[article.lang].append(article)
    by_slug = {lang: {a.slug: a for a in group} for lang, group in groups.items()}

    jobs, pinned = {}, {}
    for lang in sorted(groups):
        group = [a for _, a in sorted((_order(a), a) for a in groups[lang])]
        if len(group) == 1:
            logger.warning(
                "related_articles: %s is the only article in language '%s'; "
                "it has no related articles",
                _source(group[0]),
                lang,
            )
        index = {id(a): i for i, a in enumerate(group)}
        wants, skips = [], []
        for article in group:
            pins = pinned[id(article)] = _resolve_pins(article, by_slug, options.max)
            # A translation never shares the article's language, unless the
            # content is broken (content_checks reports that); skip it anyway.
            skips.append({index[id(a)] for a in [*pins, *article.translations] if id(a) in index})
            wants.append(options.max - len(pins))
        jobs[lang] = LanguageJob(lang, group, [_order(a) for a in group], wants, skips)

    results = rank_languages(jobs, options, cache, process_count(settings))
    for lang, job in jobs.items():
        result = results[lang]
        for article, analysis, ranked in zip(
            job.articles, result.analyses, result.ranked, strict=True
        ):
            _warn_about_thin_content(article, analysis)
            article.related_articles = pinned[id(article)] + [job.articles[j] for j in ranked]

    cache.save()
    generator.related_articles_stats = {
        "articles": sum(len(g) for g in groups.values()),
        "computed": cache.computed,
        "reused": cache.reused,
        "seconds": time.perf_counter() - started,
    }
    logger.debug("related_articles: %s", generator.related_articles_stats)


def register():
    signals.article_generator_finalized.connect(relate_articles)
