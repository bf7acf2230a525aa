"""Write each language's listings: home, topics, authors, 404 and feed."""

from __future__ import annotations

from collections import defaultdict
from operator import attrgetter

from pelican.generators import Generator

from .languages import languages_from_settings


def newest_first(items):
    """Sort articles newest first; ties by slug, so builds are repeatable."""
    return sorted(sorted(items, key=attrgetter("slug")), key=attrgetter("date"), reverse=True)


def group_articles_by_language(generator) -> None:
    """Publish every language's articles, translations included, in the context."""
    languages = languages_from_settings(generator.settings)
    by_lang = {code: [] for code in languages}
    for article in [*generator.articles, *generator.translations]:
        if article.lang in by_lang:
            by_lang[article.lang].append(article)
    generator.context["articles_by_lang"] = {
        code: newest_first(items) for code, items in by_lang.items()
    }
    # Pelican's own topic, tag and author pages mix languages; this plugin
    # writes them per language instead (LanguageListingsGenerator).
    generator.tags = {}
    generator.categories = []
    generator.authors = []
    generator.context.update(tags={}, categories=[], authors=[])


def group_pages_by_language(generator) -> None:
    """Publish every language's pages, translations included, in the context."""
    languages = languages_from_settings(generator.settings)
    by_lang = {code: [] for code in languages}
    for page in [*generator.pages, *generator.translations]:
        if page.lang in by_lang:
            by_lang[page.lang].append(page)
    generator.context["pages_by_lang"] = by_lang


def _group(articles, key):
    groups = defaultdict(list)
    for article in articles:
        for value in key(article):
            groups[value].append(article)
    return sorted(groups.items(), key=lambda item: item[0].slug)


class LanguageListingsGenerator(Generator):
    """Write home, topic, author and 404 pages, and a feed, for every language."""

    def generate_context(self):
        by_lang = self.context.get("articles_by_lang", {})
        self.listings = {}
        for code, articles in by_lang.items():
            self.listings[code] = {
                "articles": articles,
                "topics": _group(articles, lambda a: [a.category] if a.category else []),
                "authors": _group(articles, lambda a: getattr(a, "authors", [])),
            }
        self.context["topics_by_lang"] = {
            code: [topic for topic, _ in listing["topics"]]
            for code, listing in self.listings.items()
        }

    def generate_output(self, writer):
        languages = languages_from_settings(self.settings)
        relative = self.settings["RELATIVE_URLS"]
        for code, listing in self.listings.items():
            language = languages[code]
            articles = listing["articles"]
            writer.write_file(
                language.save_as(language.home_url),
                self.get_template("index"),
                self.context,
                relative,
                paginated={"articles": articles, "dates": articles},
                template_name="index",
                url=language.home_url,
                page_lang=code,
            )
            for topic, topic_articles in listing["topics"]:
                writer.write_file(
                    topic.save_as,
                    self.get_template("category"),
                    self.context,
                    relative,
                    paginated={"articles": topic_articles, "dates": topic_articles},
                    template_name="category",
                    url=topic.url,
                    category=topic,
                    page_lang=code,
                )
            for author, author_articles in listing["authors"]:
                writer.write_file(
                    author.save_as,
                    self.get_template("author"),
                    self.context,
                    relative,
                    paginated={"articles": author_articles, "dates": author_articles},
                    template_name="author",
                    url=author.url,
                    author=author,
                    page_lang=code,
                )
            writer.write_file(
                language.not_found_url,
                self.get_template("404"),
                self.context,
                relative,
                url=language.not_found_url,
                page_lang=code,
            )
            if self.settings.get("LANGUAGE_FEEDS") and articles:
                writer.write_feed(
                    articles[: self.settings.get("FEED_MAX_ITEMS") or 20],
                    self.context,
                    language.feed_url,
                    language.feed_url,
                    feed_title=f"{self.settings['SITENAME']} ({language.name})",
                )
