"""The site's languages and where each language's pages live."""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import pass_context

URL_KINDS = ("articles", "topics", "authors")


class LanguageSettingsError(ValueError):
    """Raised when LANGUAGES or DEFAULT_LANG in the settings is unusable."""


@dataclass(frozen=True)
class Language:
    """One language of the site, with the URL patterns of its pages."""

    code: str
    name: str
    locale: str
    date_locale: str
    prefix: str
    paths: dict[str, str] = field(hash=False, compare=False)

    @property
    def home_url(self) -> str:
        return self.prefix

    @property
    def date_tag(self) -> str:
        """Return the date locale as a BCP 47 tag (`en_GB` -> `en-GB`), for the browser's Intl."""
        return self.date_locale.replace("_", "-")

    def parent_url(self, kind: str) -> str:
        """Return the page that lists every article, topic or author (`kind` in URL_KINDS)."""
        return f"{self.prefix}{self.paths[kind]}/"

    def article_url(self, slug: str) -> str:
        return f"{self.prefix}{self.paths['articles']}/{slug}/"

    def page_url(self, slug: str) -> str:
        return f"{self.prefix}{slug}/"

    def topic_url(self, slug: str) -> str:
        return f"{self.prefix}{self.paths['topics']}/{slug}/"

    def author_url(self, slug: str) -> str:
        return f"{self.prefix}{self.paths['authors']}/{slug}/"

    @property
    def feed_url(self) -> str:
        return f"{self.prefix}feeds/atom.xml"

    @property
    def not_found_url(self) -> str:
        return f"{self.prefix}404.html"

    @staticmethod
    def save_as(url: str) -> str:
        """Return the output file for a directory URL (`a/b/` -> `a/b/index.html`)."""
        return f"{url}index.html" if url == "" or url.endswith("/") else url


def languages_from_settings(settings) -> dict[str, Language]:
    """Return the configured languages, the default one first.

    The result is cached in the settings when Pelican starts (see
    multilingual.py), so every later copy of the settings and every template
    context carries it.
    """
    cached = settings.get("_MULTILINGUAL_LANGUAGES")
    if cached is not None:
        return cached
    configured = settings.get("LANGUAGES") or {}
    default = settings.get("DEFAULT_LANG")
    if default not in configured:
        raise LanguageSettingsError(
            f"multilingual: DEFAULT_LANG {default!r} has no entry in LANGUAGES"
        )
    languages = {}
    for code in [default, *sorted(c for c in configured if c != default)]:
        entry = configured[code]
        missing = [k for k in ("name", "locale", "prefix", "paths") if k not in entry]
        missing += [f"paths.{k}" for k in URL_KINDS if k not in entry.get("paths", {})]
        if missing:
            raise LanguageSettingsError(
                f"multilingual: LANGUAGES[{code!r}] lacks {', '.join(missing)}"
            )
        prefix = entry["prefix"]
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        languages[code] = Language(
            code=code,
            name=entry["name"],
            locale=entry["locale"],
            # Dates follow the language's locale (en_GB writes "3 December 2026")
            # unless the entry names another one.
            date_locale=entry.get("date_locale", entry["locale"]),
            prefix=prefix,
            paths=dict(entry["paths"]),
        )
    settings["_MULTILINGUAL_LANGUAGES"] = languages
    return languages


def language_of(settings, code: str | None) -> Language:
    """Return the Language for `code`, or the default language."""
    languages = languages_from_settings(settings)
    return languages.get(code) or languages[settings["DEFAULT_LANG"]]


@pass_context
def current_language(context) -> Language:
    """Return the language of the page being rendered."""
    code = context.get("page_lang")
    if not code:
        for name in ("article", "page"):
            item = context.get(name)
            if item is not None and getattr(item, "lang", None):
                code = item.lang
                break
    return language_of(context, code)
