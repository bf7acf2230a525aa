"""Write each language's listings: home, topics, authors, 404 and feed."""

from __future__ import annotations

from collections import defaultdict
from operator import attrgetter

from pelican.generators import Generator
from pelican.paginator import Paginator

from .languages import languages_from_settings


def newest_first(items):
    """Sort articles newest first; ties by slug, so builds are repeatable."""
    return sorted(sorted(items, key=attrgetter("slug")), key=attrgetter("date"), reverse=True)


def _by_language(settings, items) -> dict[str, list]:
    languages = languages_from_settings(settings)
    by_lang = {code: [] for code in languages}
    for item in items:
        if item.lang in by_lang:
            by_lang[item.lang].append(item)
    return by_lang


def group_articles_by_language(generator) -> None:
    """Publish every language's articles, translations included, in the context."""
    by_lang = _by_language(generator.settings, [*generator.articles, *generator.translations])
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
    generator.context["pages_by_lang"] = _by_language(
        generator.settings, [*generator.pages, *generator.translations]
    )


def _group(articles, key):
    groups = defaultdict(list)
    for article in articles:
        for value in key(article):
            groups[value].append(article)
    return sorted(groups.items(), key=lambda item: item[0].slug)


class LanguageListingsGenerator(Generator):
    """Write home, topic, author and 404 pages, and a feed, for every language."""

    def generate_context(self):
        languages = languages_from_settings(self.settings)
        by_lang = self.context.get("articles_by_lang", {})
        self.listings = {}
        # (kind, slug) -> {language: [URL of page 1, page 2, ...]}: the same
        # listing in other languages, for the language switcher and hreflang.
        self.alternates = defaultdict(dict)
        for code, articles in by_lang.items():
            language = languages[code]
            listing = {
                "articles": articles,
                "topics": _group(articles, lambda a: [a.category] if a.category else []),
                "authors": _group(articles, lambda a: getattr(a, "authors", [])),
            }
            self.listings[code] = listing
            self.alternates[("home", "")][code] = self._page_urls(
                "index", language.save_as(language.home_url), language.home_url, articles
            )
            for kind, template in (("topics", "category"), ("authors", "author")):
                for wrapper, items in listing[kind]:
                    self.alternates[(kind, wrapper.slug)][code] = self._page_urls(
                        template, wrapper.save_as, wrapper.url, items
                    )
        self.context["topics_by_lang"] = {
            code: [topic for topic, _ in listing["topics"]]
            for code, listing in self.listings.items()
        }

    def _page_urls(self, template, save_as, url, articles):
        per_page = (
            self.settings["PAGINATED_TEMPLATES"].get(template)
            or self.settings["DEFAULT_PAGINATION"]
        )
        paginator = Paginator(save_as, url, articles, self.settings, per_page)
        return [paginator.page(n).url for n in paginator.page_range]

    def _write_listing(self, writer, template, save_as, url, articles, code, key, **extra):
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            self.settings["RELATIVE_URLS"],
            paginated={"articles": articles, "dates": articles},
            template_name=template,
            url=url,
            page_lang=code,
            listing_alternates=self.alternates[key],
            **extra,
        )

    def generate_output(self, writer):
        languages = languages_from_settings(self.settings)
        for code, listing in self.listings.items():
            language = languages[code]
            articles = listing["articles"]
            home = language.home_url
            self._write_listing(
                writer, "index", language.save_as(home), home, articles, code, ("home", "")
            )
            for topic, items in listing["topics"]:
                self._write_listing(
                    writer, "category", topic.save_as, topic.url, items, code,
                    ("topics", topic.slug), category=topic,
                )
            for author, items in listing["authors"]:
                self._write_listing(
                    writer, "author", author.save_as, author.url, items, code,
                    ("authors", author.slug), author=author,
                )
            writer.write_file(
                language.not_found_url,
                self.get_template("404"),
                self.context,
                self.settings["RELATIVE_URLS"],
                url=language.not_found_url,
                page_lang=code,
                is_not_found_page=True,
            )
            if self.settings.get("LANGUAGE_FEEDS") and articles:
                writer.write_feed(
                    articles[: self.settings.get("FEED_MAX_ITEMS") or 20],
                    self.context,
                    language.feed_url,
                    language.feed_url,
                    feed_title=f"{self.settings['SITENAME']} ({language.name})",
                )
