"""Compile the theme's .po catalogs into gettext translations."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations


class CatalogError(RuntimeError):
    """Raised when a configured language has no usable catalog."""


def catalog_path(catalog_dir: str | Path, code: str) -> Path:
    return Path(catalog_dir) / code / "LC_MESSAGES" / "messages.po"


def compile_catalog(po_path: Path, locale: str) -> Translations:
    """Compile one .po file in memory and return it as Translations."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def load_catalogs(catalog_dir, codes) -> dict[str, Translations]:
    """Return compiled translations for every language code."""
    translations = {}
    for code in codes:
        path = catalog_path(catalog_dir, code)
        if not path.is_file():
            raise CatalogError(f"theme_i18n: no catalog for language {code!r}: {path} is missing")
        translations[code] = compile_catalog(path, code)
    return translations
