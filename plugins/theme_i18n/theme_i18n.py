"""Install gettext and Babel date filters into every generator's Jinja environment."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import pass_context
from pelican import signals

from plugins.multilingual.languages import current_language, languages_from_settings

from .catalogs import load_catalogs

_CATALOGS_KEY = "_THEME_I18N_CATALOGS"


def compile_catalogs(pelican):
    """Compile every language's catalog once per build; a missing one stops the build."""
    settings = pelican.settings
    catalog_dir = settings.get("I18N_CATALOGS") or f"{settings['THEME']}/translations"
    settings[_CATALOGS_KEY] = load_catalogs(catalog_dir, languages_from_settings(settings))


def _language(context):
    # A page calls gettext dozens of times; find its language once per render
    # context (the context of one template, include or macro call).
    found = getattr(context, "_theme_i18n_language", None)
    if found is None:
        found = context._theme_i18n_language = current_language(context)
    return found


def _translations(context):
    return context[_CATALOGS_KEY][_language(context).code]


@pass_context
def gettext(context, message):
    return _translations(context).ugettext(message)


@pass_context
def ngettext(context, singular, plural, n):
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def localdate(context, value, format="long"):
    """Format a date the way readers of the page's language write it."""
    if not isinstance(value, date):
        return value
    return _format(value, format, _language(context).date_locale)


@lru_cache(maxsize=4096)
def _format(value, format, locale):
    # The same dates appear on many cards and pages; Babel's formatting is not free.
    if isinstance(value, datetime) and format in ("short", "medium", "long", "full"):
        return format_date(value.date(), format=format, locale=locale)
    if isinstance(value, datetime):
        return format_datetime(value, format=format, locale=locale)
    return format_date(value, format=format, locale=locale)


@pass_context
def localnumber(context, value):
    return format_decimal(value, locale=_language(context).date_locale)


def install_i18n(generator):
    """Give one generator's templates gettext and the localizing filters."""
    env = generator.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters.update(localdate=localdate, localnumber=localnumber)


def register():
    signals.initialized.connect(compile_catalogs)
    signals.generator_init.connect(install_i18n)
