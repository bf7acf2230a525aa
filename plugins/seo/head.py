"""Template helpers for the <head>: canonical URL, alternates, Open Graph, JSON-LD."""

from __future__ import annotations

from jinja2 import pass_context

from plugins.multilingual.languages import current_language, languages_from_settings
from plugins.multilingual.switcher import page_versions

from .structured_data import json_ld as build_json_ld
from .urls import absolute, hreflang_versions, page_url


@pass_context
def canonical_url(context):
    url = page_url(context)
    return absolute(context, url) if url is not None else None


@pass_context
def hreflang_links(context):
    return hreflang_versions(context)


@pass_context
def og_locale_alternates(context):
    """Return the og:locale of every other language this page exists in."""
    current = current_language(context)
    languages = languages_from_settings(context)
    return [
        languages[code].locale
        for code in page_versions(context)
        if code != current.code and code in languages
    ]


@pass_context
def feed_url(context):
    """Return the absolute URL of the page language's Atom feed, if feeds are on."""
    if not context.get("LANGUAGE_FEEDS"):
        return None
    return absolute(context, current_language(context).feed_url)


@pass_context
def absolute_url(context, url):
    return absolute(context, url)


@pass_context
def json_ld(context, description, image, home_title, crumb=""):
    return build_json_ld(context, description, image, home_title, crumb)


def install_head_helpers(generator) -> None:
    generator.env.globals.update(
        canonical_url=canonical_url,
        hreflang_links=hreflang_links,
        og_locale_alternates=og_locale_alternates,
        feed_url=feed_url,
        absolute_url=absolute_url,
        json_ld=json_ld,
    )
