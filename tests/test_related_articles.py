"""related_articles: real site builds into tmp_path, asserting what readers get."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican, signals
from related_corpus import CLUSTERS, write_corpus
from site_helpers import build_settings

LOGGER = "plugins.related_articles.related_articles"


def build_site(content: Path, output: Path, plugins=None, **overrides):
    """Build `content` with the project's settings; return the articles generator."""
    settings = build_settings(output, PATH=str(content), **overrides)
    if plugins is None:
        plugins = [p for p in settings["PLUGINS"] if p != "plugins.related_articles"]
        plugins.append("plugins.related_articles")
    settings["PLUGINS"] = plugins
    found = []

    def capture(generators):
        found.extend(g for g in generators if hasattr(g, "related_articles_stats"))

    # Held by the local name while the build runs: blinker keeps only a weak reference.
    signals.all_generators_finalized.connect(capture)
    try:
        Pelican(settings).run()
    finally:
        signals.all_generators_finalized.disconnect(capture)
    assert len(found) == 1, "related_articles did not run"
    return found[0]


def all_articles(generator):
    return [*generator.articles, *generator.translations]


def write_article(
    content: Path,
    lang: str,
    slug: str,
    title: str,
    body: str,
    *,
    key: str | None = None,
    date: str = "2024-01-01 10:00",
    category: str = "Kvalitet",
    tags: str | None = "revision",
    related: str | None = None,
) -> Path:
    lines = [
        f"Title: {title}",
        f"Slug: {slug}",
        f"Date: {date}",
        f"Lang: {lang}",
        f"Translation_key: {key or slug}",
        f"Category: {category}",
        *([f"Tags: {tags}"] if tags else []),
        "Author: Anna Andersson",
        f"Summary: {title}.",
        *([f"Related: {related}"] if related is not None else []),
        "",
        body,
        "",
    ]
    path = content / "articles" / lang / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


AUDIT_SV = "Revisionen granskar checklistan, fynden och bevisen inför certifieringen."
AUDIT_EN = "The audit reviews the checklist, the findings and the evidence for certification."
WASTE_SV = "Avfallet sorteras för återvinning, och förpackningarna går till insamling."
WASTE_EN = "Waste is sorted for recycling, and packaging goes to collection."


def small_site(content: Path) -> None:
    """Six Swedish and six English articles: three about audits, three about waste."""
    for n in range(1, 4):
        write_article(
            content, "sv", f"revision-{n}", f"Revision del {n}", AUDIT_SV * (n + 1),
            key=f"audit-{n}", date=f"2024-01-0{n} 10:00",
        )
        write_article(
            content, "en", f"audit-{n}", f"Audit part {n}", AUDIT_EN * (n + 1),
            key=f"audit-{n}", date=f"2024-01-0{n} 10:00", category="Quality", tags="audit",
        )
        write_article(
            content, "sv", f"avfall-{n}", f"Avfall del {n}", WASTE_SV * (n + 1),
            key=f"waste-{n}", date=f"2024-02-0{n} 10:00", category="Miljö", tags="avfall",
        )
        write_article(
            content, "en", f"waste-{n}", f"Waste part {n}", WASTE_EN * (n + 1),
            key=f"waste-{n}", date=f"2024-02-0{n} 10:00", category="Environment", tags="waste",
        )


def related_slugs(generator, lang, slug):
    article = next(a for a in all_articles(generator) if a.lang == lang and a.slug == slug)
    return [r.slug for r in article.related_articles]


def warnings_from(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


# --- Quality on a synthetic bilingual corpus -------------------------------------------


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("related-corpus")
    corpus = write_corpus(root / "content", total=320)
    generator = build_site(root / "content", root / "output")
    return corpus, generator, root / "output"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_article_gets_three_same_language_articles_of_its_cluster(corpus_build, lang):
    corpus, generator, _ = corpus_build
    cluster = {(c.lang, c.slug): c.cluster for c in corpus}
    articles = [a for a in all_articles(generator) if a.lang == lang]
    assert len(articles) == sum(1 for c in corpus if c.lang == lang) > 100

    covered = [a for a in articles if len(a.related_articles) == 3]
    assert len(covered) == len(articles), "coverage must be 100%"
    related = [(a, r) for a in articles for r in a.related_articles]
    assert all(r.lang == lang for _, r in related), "related articles must share the language"
    assert not [a.slug for a, r in related if r is a or r in a.translations]
    precision = sum(cluster[(lang, r.slug)] == cluster[(lang, a.slug)] for a, r in related) / len(
        related
    )
    assert precision >= 0.95, f"precision@3 for {lang} is {precision:.3f}"


def test_translations_are_ranked_too(corpus_build):
    _, generator, _ = corpus_build
    assert generator.translations, "the corpus has translations"
    assert all(len(t.related_articles) == 3 for t in generator.translations)


def test_built_article_page_links_to_its_related_articles(corpus_build):
    _, generator, output = corpus_build
    article = next(a for a in all_articles(generator) if a.lang == "en")
    page = BeautifulSoup((output / article.save_as).read_text(encoding="utf-8"), "lxml")
    section = page.find(class_="more-articles")
    assert section is not None
    links = [a["href"] for a in section.find_all("a", href=True)]
    for related in article.related_articles:
        assert any(href.rstrip("/").endswith(related.url.rstrip("/")) for href in links)


def test_clusters_in_one_topic_are_told_apart_by_text(corpus_build):
    """Two clusters share each topic, so the topic alone would give about 50% precision."""
    topics = {}
    for name, (topic, _, _) in CLUSTERS.items():
        topics.setdefault(topic, []).append(name)
    assert all(len(names) == 2 for names in topics.values())


def test_output_is_deterministic(tmp_path):
    write_corpus(tmp_path / "content", total=120, seed=9)
    first = build_site(tmp_path / "content", tmp_path / "one")
    second = build_site(tmp_path / "content", tmp_path / "two")

    def lists(generator):
        return {
            (a.lang, a.slug): [r.slug for r in a.related_articles] for a in all_articles(generator)
        }

    assert lists(first) == lists(second)


# --- Ranking details ---------------------------------------------------------------------


def test_same_language_only_and_never_itself_or_its_translation(tmp_path):
    small_site(tmp_path / "content")
    generator = build_site(tmp_path / "content", tmp_path / "output")
    assert related_slugs(generator, "sv", "revision-1") == ["revision-3", "revision-2", "avfall-1"]
    assert related_slugs(generator, "en", "audit-1") == ["audit-3", "audit-2", "waste-1"]


def test_ties_are_broken_by_date_then_slug(tmp_path):
    content = tmp_path / "content"
    body = AUDIT_SV * 2
    write_article(content, "sv", "a-start", "Revision 1", body)
    # Same text (a number in one title only says nothing), so scores tie.
    for n, (slug, date) in enumerate(
        [("c-same", "2024-03-01 10:00"), ("b-same", "2024-03-01 10:00"),
         ("d-old", "2023-03-01 10:00"), ("e-new", "2025-03-01 10:00")], start=2
    ):
        write_article(content, "sv", slug, f"Revision {n}", body, date=date)
    write_article(content, "en", "audit-1", "Audit", AUDIT_EN * 2, tags="audit", category="Quality")
    write_article(
        content, "en", "audit-2", "Audit two", AUDIT_EN * 2, tags="audit", category="Quality"
    )
    generator = build_site(tmp_path / "content", tmp_path / "output", RELATED_ARTICLES_MAX=4)
    assert related_slugs(generator, "sv", "a-start") == ["e-new", "b-same", "c-same", "d-old"]


def test_fills_with_newest_of_same_topic_then_any_topic(tmp_path):
    content = tmp_path / "content"
    write_article(content, "sv", "ensam", "Ensam text", "Unika ord överallt här idag.",
                  category="Kvalitet", tags=None, date="2024-01-01 10:00")
    write_article(content, "sv", "kvalitet-gammal", "Kundnöjdhet", "Kunder svarar på enkäter.",
                  category="Kvalitet", tags="kund", date="2023-01-01 10:00")
    write_article(content, "sv", "miljo-ny", "Klimat", "Utsläpp minskar med solceller.",
                  category="Miljö", tags="klimat", date="2024-06-01 10:00")
    write_article(content, "sv", "miljo-nyast", "Energi", "Bränsle och värme kostar.",
                  category="Miljö", tags="energi", date="2024-07-01 10:00")
    write_article(content, "en", "alone-1", "Alone", "Words.", category="Quality")
    write_article(content, "en", "alone-2", "Other", "Things.", category="Quality")
    generator = build_site(content, tmp_path / "output")
    assert related_slugs(generator, "sv", "ensam") == ["kvalitet-gammal", "miljo-nyast", "miljo-ny"]


def test_max_setting_limits_the_list(tmp_path):
    small_site(tmp_path / "content")
    generator = build_site(tmp_path / "content", tmp_path / "output", RELATED_ARTICLES_MAX=1)
    assert all(len(a.related_articles) == 1 for a in all_articles(generator))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RELATED_ARTICLES_MAX", "three",
         "related_articles: RELATED_ARTICLES_MAX must be a whole number >= 0, "
         "not 'three'; using 3"),
        ("RELATED_ARTICLES_TAG_WEIGHT", -1,
         "related_articles: RELATED_ARTICLES_TAG_WEIGHT must be a number >= 0, not -1; using 0.25"),
        ("RELATED_ARTICLES_STEMMING", "yes",
         "related_articles: RELATED_ARTICLES_STEMMING must be True or False, "
         "not 'yes'; using True"),
    ],
)
def test_bad_setting_warns_and_uses_the_default(tmp_path, caplog, name, value, message):
    small_site(tmp_path / "content")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    generator = build_site(tmp_path / "content", tmp_path / "output", **{name: value})
    assert message in warnings_from(caplog)
    assert all(len(a.related_articles) == 3 for a in all_articles(generator))


# --- Editors' pins -----------------------------------------------------------------------


def test_pins_come_first_then_computed_ones(tmp_path):
    content = tmp_path / "content"
    small_site(content)
    write_article(content, "sv", "revision-1", "Revision del 1", AUDIT_SV * 2, key="audit-1",
                  date="2024-01-01 10:00", related="avfall-1, revision-2")
    generator = build_site(content, tmp_path / "output")
    assert related_slugs(generator, "sv", "revision-1") == ["avfall-1", "revision-2", "revision-3"]


@pytest.mark.parametrize(
    ("related", "message", "expected"),
    [
        ("okand-artikel",
         "related_articles: content/articles/sv/revision-1.md pins 'okand-artikel', "
         "but no article has that slug",
         ["revision-3", "revision-2", "avfall-1"]),
        ("audit-2",
         "related_articles: content/articles/sv/revision-1.md pins 'audit-2', "
         "which is in another language (en), not 'sv'",
         ["revision-3", "revision-2", "avfall-1"]),
        ("revision-1",
         "related_articles: content/articles/sv/revision-1.md pins 'revision-1', which is itself",
         ["revision-3", "revision-2", "avfall-1"]),
        ("avfall-2, avfall-2",
         "related_articles: content/articles/sv/revision-1.md pins 'avfall-2' more than once",
         ["avfall-2", "revision-3", "revision-2"]),
        ("avfall-1, avfall-2, avfall-3, revision-2",
         "related_articles: content/articles/sv/revision-1.md pins 4 articles; "
         "only the first 3 are shown",
         ["avfall-1", "avfall-2", "avfall-3"]),
    ],
)
def test_bad_pins_warn_naming_file_and_slug(tmp_path, caplog, related, message, expected):
    content = tmp_path / "content"
    small_site(content)
    write_article(content, "sv", "revision-1", "Revision del 1", AUDIT_SV * 2, key="audit-1",
                  date="2024-01-01 10:00", related=related)
    caplog.set_level(logging.WARNING, logger=LOGGER)
    generator = build_site(content, tmp_path / "output")
    assert warnings_from(caplog) == [message]
    assert related_slugs(generator, "sv", "revision-1") == expected


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "tags", "message"),
    [
        ("", "revision",
         "related_articles: content/articles/sv/trasig.md has no body text; "
         "ranking it by title, summary, tags and topic"),
        ("Revision.", "revision",
         "related_articles: content/articles/sv/trasig.md has a body of only 1 word(s); "
         "ranking it mostly by title, summary, tags and topic"),
        (AUDIT_SV, None,
         "related_articles: content/articles/sv/trasig.md has no tags; "
         "ranking it by text and topic"),
    ],
)
def test_thin_article_warns_and_still_gets_related_articles(tmp_path, caplog, body, tags, message):
    content = tmp_path / "content"
    small_site(content)
    write_article(content, "sv", "trasig", "Revision av checklistan", body, tags=tags)
    caplog.set_level(logging.WARNING, logger=LOGGER)
    generator = build_site(content, tmp_path / "output")
    assert warnings_from(caplog) == [message]
    related = related_slugs(generator, "sv", "trasig")
    assert len(related) == 3
    assert related[0].startswith("revision-"), "its title still says it is about audits"


def test_language_with_a_single_article_warns_and_the_rest_still_rank(tmp_path, caplog):
    content = tmp_path / "content"
    for n in range(1, 4):
        write_article(content, "sv", f"revision-{n}", f"Revision del {n}", AUDIT_SV * n)
    write_article(
        content, "en", "lonely", "Lonely audit", AUDIT_EN, category="Quality", tags="audit"
    )
    caplog.set_level(logging.WARNING, logger=LOGGER)
    generator = build_site(content, tmp_path / "output")
    assert warnings_from(caplog) == [
        "related_articles: content/articles/en/lonely.md is the only article in language 'en'; "
        "it has no related articles"
    ]
    assert related_slugs(generator, "en", "lonely") == []
    assert len(related_slugs(generator, "sv", "revision-1")) == 2


# --- Cache -------------------------------------------------------------------------------



def cached_build(content: Path, output: Path, cache: Path, **overrides):
    """Build with the content cache on, keeping only this plugin's cache from before.

    The site's other plugins put objects that cannot be pickled (a logging
    handler, gettext functions) into the settings, so Pelican writes a truncated
    cache of its own and fails to read it back; that is not this plugin's to fix.
    """
    if cache.is_dir():
        for path in cache.iterdir():
            if path.name != "related_articles.pickle":
                path.unlink()
    overrides.setdefault("LOAD_CONTENT_CACHE", True)
    return build_site(content, output, CACHE_CONTENT=True, CACHE_PATH=str(cache), **overrides)


def test_unchanged_articles_are_not_analysed_again(tmp_path):
    content = tmp_path / "content"
    small_site(content)
    cache = tmp_path / "c"

    first = cached_build(content, tmp_path / "o1", cache)
    assert (tmp_path / "c" / "related_articles.pickle").is_file()
    assert first.related_articles_stats["computed"] == 12

    second = cached_build(content, tmp_path / "o2", cache)
    assert second.related_articles_stats["computed"] == 0
    assert second.related_articles_stats["reused"] == 12
    assert related_slugs(second, "sv", "revision-1") == related_slugs(first, "sv", "revision-1")

    write_article(content, "sv", "avfall-1", "Avfall del 1", WASTE_SV + AUDIT_SV * 4,
                  key="waste-1", date="2024-02-01 10:00", category="Miljö", tags="avfall")
    third = cached_build(content, tmp_path / "o3", cache)
    assert third.related_articles_stats["computed"] == 1
    assert "avfall-1" in related_slugs(third, "sv", "revision-1")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RELATED_ARTICLES_STEMMING", False),
        ("RELATED_ARTICLES_STOPWORDS", {"sv": ["revisionen"]}),
        ("RELATED_ARTICLES_FIELD_WEIGHTS", {"title": 1, "summary": 1, "body": 1}),
    ],
)
def test_changed_setting_recomputes_every_article(tmp_path, name, value):
    content = tmp_path / "content"
    small_site(content)
    cache = tmp_path / "c"
    cached_build(content, tmp_path / "o1", cache)
    changed = cached_build(content, tmp_path / "o2", cache, **{name: value})
    assert changed.related_articles_stats["computed"] == 12


def test_cache_is_not_read_without_load_content_cache(tmp_path):
    content = tmp_path / "content"
    small_site(content)
    cached_build(content, tmp_path / "o1", tmp_path / "c")
    again = cached_build(content, tmp_path / "o2", tmp_path / "c", LOAD_CONTENT_CACHE=False)
    assert again.related_articles_stats["computed"] == 12


def test_unreadable_cache_warns_and_recomputes(tmp_path, caplog):
    content = tmp_path / "content"
    small_site(content)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "related_articles.pickle").write_bytes(b"not a pickle")
    logger = "plugins.related_articles.cache"
    caplog.set_level(logging.WARNING, logger=logger)
    generator = cached_build(content, tmp_path / "o", tmp_path / "c")
    assert generator.related_articles_stats["computed"] == 12
    messages = [r.getMessage() for r in caplog.records if r.name == logger]
    assert len(messages) == 1
    assert messages[0].startswith("related_articles: cannot read ")


def _all_related(generator):
    return {(a.lang, a.slug): [r.slug for r in a.related_articles] for a in all_articles(generator)}


def test_languages_ranked_in_worker_processes_give_the_same_lists(tmp_path, caplog):
    from plugins.related_articles import language_job

    assert 430 >= language_job.MIN_ARTICLES_FOR_PROCESSES
    # A folder name of its own: Pelican logs a message it has logged before only once.
    content = tmp_path / "parallel-content"
    write_corpus(content, total=430, paragraphs=2)
    caplog.set_level(logging.DEBUG, logger="plugins.related_articles.language_job")
    parallel = build_site(content, tmp_path / "two", RELATED_ARTICLES_PROCESSES=2,
                          SEARCH_INDEX=False)
    assert "related_articles: 2 languages in 2 processes" in caplog.text
    serial = build_site(content, tmp_path / "one", RELATED_ARTICLES_PROCESSES=1, SEARCH_INDEX=False)
    assert _all_related(parallel) == _all_related(serial)
    # Warnings about articles ranked in a worker are logged by the build's own process.
    untagged = {
        f"related_articles: parallel-content/{a.source_path.split('/parallel-content/')[1]} "
        "has no tags; "
        "ranking it by text and topic"
        for a in all_articles(parallel)
        if not getattr(a, "tags", None)
    }
    assert {a.lang for a in all_articles(parallel) if not getattr(a, "tags", None)} == {"sv", "en"}
    assert untagged <= set(warnings_from(caplog))


def test_the_cache_keeps_what_worker_processes_computed(tmp_path):
    content = tmp_path / "content"
    write_corpus(content, total=430, paragraphs=2)
    first = cached_build(content, tmp_path / "o1", tmp_path / "c", RELATED_ARTICLES_PROCESSES=2,
                         SEARCH_INDEX=False)
    assert first.related_articles_stats["computed"] == 430
    second = cached_build(content, tmp_path / "o2", tmp_path / "c", RELATED_ARTICLES_PROCESSES=2,
                          SEARCH_INDEX=False)
    assert second.related_articles_stats == {**second.related_articles_stats,
                                             "computed": 0, "reused": 430}
    assert _all_related(second) == _all_related(first)


@pytest.mark.parametrize("value", [0, "2", True])
def test_bad_process_count_warns_and_ranks_in_one_process(tmp_path, caplog, value):
    content = tmp_path / "content"
    small_site(content)
    caplog.set_level(logging.WARNING, logger="plugins.related_articles.language_job")
    generator = build_site(content, tmp_path / "o", RELATED_ARTICLES_PROCESSES=value)
    assert (
        f"related_articles: RELATED_ARTICLES_PROCESSES must be a whole number >= 1, not {value!r}; "
        "using 1"
    ) in caplog.text
    assert related_slugs(generator, "sv", "revision-1")
