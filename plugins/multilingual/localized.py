"""Give articles and pages their language's URLs, topics and authors."""

from __future__ import annotations

from pelican.contents import Article, Page
from pelican.urlwrappers import Author, Category

from .languages import Language, languages_from_settings


class _Localized:
    """Mixin: a topic or author whose page lives under one language's prefix."""

    url_kind = ""  # "topic" or "author": picks Language.topic_url or author_url

    def __init__(self, name, settings, language: Language):
        super().__init__(name, settings)
        self.language = language

    @property
    def url(self):
        return getattr(self.language, f"{self.url_kind}_url")(self.slug)

    @property
    def save_as(self):
        return self.language.save_as(self.url)

    @property
    def page_name(self):
        return self.url.rstrip("/")


class LocalizedCategory(_Localized, Category):
    """A topic of one language."""

    url_kind = "topic"


class LocalizedAuthor(_Localized, Author):
    """An author's page in one language."""

    url_kind = "author"


def localize_content(content) -> None:
    """Set the URL, topic and authors of one article or page from its language.

    Drafts get their language's topic and authors too, so their links lead to
    the pages this plugin writes (the seo plugin keeps them out of the index).
    """
    if not isinstance(content, Article | Page):
        return
    language = languages_from_settings(content.settings).get(content.lang)
    if language is None:
        return  # content_checks reports the unknown language with the file name
    if not getattr(content, "translation_key", None):
        # Untranslated content still needs a key; it must not collide across files.
        content.translation_key = f"{content.lang}:{content.relative_source_path}"
    # A draft keeps Pelican's DRAFT_URL (drafts/<slug>.html): it never takes
    # the URL its published version will have, so the two cannot collide.
    is_draft = getattr(content, "status", "published") == "draft"
    if not is_draft and not hasattr(content, "override_url") and not hasattr(
        content, "override_save_as"
    ):
        if isinstance(content, Article):
            url = language.article_url(content.slug)
        else:
            url = language.page_url(content.slug)
        content.override_url = url
        content.override_save_as = language.save_as(url)
    if isinstance(content, Article):
        if getattr(content, "category", None) is not None:
            content.category = LocalizedCategory(
                content.category.name, content.settings, language
            )
        authors = getattr(content, "authors", None)
        if authors:
            content.authors = [
                LocalizedAuthor(a.name, content.settings, language) for a in authors
            ]
            content.author = content.authors[0]
