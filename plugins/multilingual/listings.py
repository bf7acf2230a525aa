"""Write each language's listings: home, topics, authors, their parent pages, 404 and feed.

The parent pages are the folders of the URL scheme (`/artiklar/`, `/amne/`,
`/skribenter/` and their versions in every language): every article, every
topic with its number of articles, every author with theirs.
"""

from __future__ import annotations

from collections import defaultdict
from operator import attrgetter

from pelican.generators import Generator
from pelican.paginator import Paginator

from .languages import languages_from_settings
from .topic_pairs import topic_groups


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


def localize_feed(context, feed) -> None:
    """Title a language's feed once and link it to that language's home (feed_generated)."""
    language = context.get("language_feed")
    if language is None:
        return  # not a feed of LanguageListingsGenerator
    # Pelican titles a feed "SITENAME - feed_title" and links every feed to
    # the site root; the head's <link rel=alternate> calls it "SITENAME (Language)".
    home = feed.feed["link"] + language.home_url
    feed.feed.update(
        title=f"{context['SITENAME']} ({language.name})",
        link=home,
        id=home,  # Atom ids must differ between the languages' feeds
        language=language.code,
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
        self.listings = {
            code: {
                "articles": articles,
                "topics": _group(articles, lambda a: [a.category] if a.category else []),
                "authors": _group(articles, lambda a: getattr(a, "authors", [])),
            }
            for code, articles in by_lang.items()
        }
        # Topics are named per language, so they are paired through their
        # translated articles; an author keeps one name, so one slug, everywhere.
        self.topic_keys = topic_groups(
            {code: listing["topics"] for code, listing in self.listings.items()}
        )
        # (kind, key) -> {language: [URL of page 1, page 2, ...]}: the same
        # listing in other languages, for the language switcher and hreflang.
        self.alternates = defaultdict(dict)
        for code, listing in self.listings.items():
            language = languages[code]
            self.alternates[("home", "")][code] = self._page_urls(
                "index", language.save_as(language.home_url), language.home_url,
                listing["articles"],
            )
            articles_url = language.parent_url("articles")
            self.alternates[("parent", "articles")][code] = self._page_urls(
                "archives", language.save_as(articles_url), articles_url, listing["articles"]
            )
            for kind in ("topics", "authors"):
                self.alternates[("parent", kind)][code] = [language.parent_url(kind)]
            for kind, template in (("topics", "category"), ("authors", "author")):
                for wrapper, items in listing[kind]:
                    self.alternates[self._key(kind, code, wrapper)][code] = self._page_urls(
                        template, wrapper.save_as, wrapper.url, items
                    )
        self.context["topics_by_lang"] = {
            code: [topic for topic, _ in listing["topics"]]
            for code, listing in self.listings.items()
        }

    def _key(self, kind, code, wrapper):
        """Return the key of a topic or author listing in self.alternates."""
        if kind == "topics":
            return (kind, self.topic_keys[(code, wrapper.slug)])
        return (kind, wrapper.slug)

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
            listing_url=url,
            **extra,
        )

    def _write_parent_pages(self, writer, language, listing):
        """Write the pages that list every article, topic and author of one language."""
        code = language.code
        articles_url = language.parent_url("articles")
        self._write_listing(
            writer, "archives", language.save_as(articles_url), articles_url,
            listing["articles"], code, ("parent", "articles"),
        )
        modified = [getattr(a, "modified", None) or a.date for a in listing["articles"]]
        for kind, template in (("topics", "categories"), ("authors", "authors")):
            url = language.parent_url(kind)
            counted = sorted(
                ((wrapper, len(items)) for wrapper, items in listing[kind]),
                key=lambda pair: (pair[0].name.casefold(), pair[0].slug),
            )
            # Not paginated: a site has a few dozen topics and authors, not thousands.
            writer.write_file(
                language.save_as(url),
                self.get_template(template),
                self.context,
                self.settings["RELATIVE_URLS"],
                template_name=template,
                url=url,
                page_lang=code,
                listing_alternates=self.alternates[("parent", kind)],
                listing_url=url,
                listing_modified=max(modified, default=None),  # the sitemap's lastmod
                counted=counted,
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
                    self._key("topics", code, topic), category=topic,
                )
            for author, items in listing["authors"]:
                self._write_listing(
                    writer, "author", author.save_as, author.url, items, code,
                    self._key("authors", code, author), author=author,
                )
            self._write_parent_pages(writer, language, listing)
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
                    # localize_feed reads the language from the context it is sent
                    {**self.context, "language_feed": language},
                    language.feed_url,
                    language.feed_url,
                )
