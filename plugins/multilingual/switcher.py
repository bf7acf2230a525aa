"""Template helpers: the language switcher and same-language article lists."""

from __future__ import annotations

from jinja2 import pass_context

from .languages import current_language, languages_from_settings


def _translated_item(context):
    for name in ("article", "page"):
        item = context.get(name)
        if item is not None:
            return item
    return None


@pass_context
def language_versions(context):
    """Return one entry per language: its language, URL, and whether it is a translation.

    An article or page links to its translations; where a language has none,
    and on listing pages, the entry points to that language's home page.
    """
    current = current_language(context)
    item = _translated_item(context)
    translations = {}
    if item is not None:
        translations = {t.lang: t for t in getattr(item, "translations", [])}
        translations[item.lang] = item
    versions = []
    for code, language in languages_from_settings(context).items():
        target = translations.get(code)
        if target is not None:
            url = target.url
        else:
            url = language.home_url
        versions.append(
            {
                "language": language,
                "url": url,
                "is_current": code == current.code,
                "is_translation": target is not None,
            }
        )
    return versions


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
    )
