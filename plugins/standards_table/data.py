"""Load and validate the structured data file of standards."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROWS = ("purpose", "kind", "certifiable", "audience", "edition")


class StandardsDataError(ValueError):
    """The standards data file is missing or incomplete."""


def load_standards(path: str | Path) -> dict:
    """Return {"labels": {lang: {...}}, "standards": {id: {...}}} from a TOML file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise StandardsDataError(f"standards_table: {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise StandardsDataError(f"standards_table: {path}: {exc}") from None
    labels = data.get("labels", {})
    standards = data.get("standards", {})
    for lang, texts in labels.items():
        missing = [k for k in ("caption", "aspect", "yes", "no", *ROWS) if k not in texts]
        if missing:
            raise StandardsDataError(
                f"standards_table: {path}: labels.{lang} lacks {', '.join(missing)}"
            )
    for key, standard in standards.items():
        for field in ("code", "edition", "certifiable"):
            if field not in standard:
                raise StandardsDataError(f"standards_table: {path}: {key} lacks '{field}'")
        for lang in labels:
            missing = [
                k for k in ("purpose", "kind", "audience") if k not in standard.get(lang, {})
            ]
            if missing:
                raise StandardsDataError(
                    f"standards_table: {path}: {key}.{lang} lacks {', '.join(missing)}"
                )
    return {"labels": labels, "standards": standards}
