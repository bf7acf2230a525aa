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


class Catalogs(dict):
    """Compiled translations by language code, rebuilt from the .po files when unpickled.

    It lives in Pelican's settings, which Pelican's content cache pickles.
    """

    def __init__(self, catalog_dir, codes):
        super().__init__()
        self.catalog_dir = str(catalog_dir)
        self.codes = list(codes)
        for code in self.codes:
            path = catalog_path(catalog_dir, code)
            if not path.is_file():
                raise CatalogError(
                    f"theme_i18n: no catalog for language {code!r}: {path} is missing"
                )
            self[code] = compile_catalog(path, code)

    def __reduce__(self):
        return (Catalogs, (self.catalog_dir, self.codes))


def load_catalogs(catalog_dir, codes) -> Catalogs:
    """Return compiled translations for every language code."""
    return Catalogs(catalog_dir, codes)
