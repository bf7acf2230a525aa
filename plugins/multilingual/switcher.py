"""Template helpers: the language switcher and same-language article lists."""

from __future__ import annotations

from jinja2 import pass_context

from .fragments import once_per_language_helper
from .languages import current_language, languages_from_settings


def _translated_item(context):
    for name in ("article", "page"):
        item = context.get(name)
        if item is not None:
            return item
    return None


def page_versions(context) -> dict[str, str]:
    """Return {language code: URL} of every language version of the page being rendered.

    Articles and pages have their translations; listing pages have the same
    listing in the languages where it exists (see listings.py).
    """
    item = _translated_item(context)
    if item is not None:
        versions = {t.lang: t.url for t in getattr(item, "translations", [])}
        versions[item.lang] = item.url
        return versions
    alternates = context.get("listing_alternates") or {}
    page = context.get("articles_page")
    number = page.number if page is not None else 1
    return {code: urls[number - 1] for code, urls in alternates.items() if len(urls) >= number}


@pass_context
def language_versions(context):
    """Return one entry per language: its language, URL, and whether it is a translation.

    An article or page links to its translations; where a language has none,
    and on listing pages, the entry points to that language's home page.
    """
    current = current_language(context)
    translations = page_versions(context)
    return [
        {
            "language": language,
            "url": translations.get(code, language.home_url),
            "is_current": code == current.code,
            "is_translation": code in translations,
        }
        for code, language in languages_from_settings(context).items()
    ]


@pass_context
def latest_articles(context, limit=3, exclude=None):
    """Return the newest articles in the page's language, leaving out `exclude`."""
    language = current_language(context)
    skip = {id(exclude)} if exclude is not None else set()
    articles = context.get("articles_by_lang", {}).get(language.code, [])
    return [a for a in articles if id(a) not in skip][:limit]


@pass_context
def language_pages(context):
    """Return the pages in the page's language, for menus."""
    language = current_language(context)
    return context.get("pages_by_lang", {}).get(language.code, [])


def install_template_helpers(generator) -> None:
    """Make the helpers above available to every template."""
    generator.env.globals.update(
        current_language=current_language,
        language_versions=language_versions,
        latest_articles=latest_articles,
        language_pages=language_pages,
        once_per_language=once_per_language_helper(),
    )
