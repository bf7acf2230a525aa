"""Give CSS and JavaScript files content-hashed names and point the HTML at them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path


def fingerprint_assets(output: Path, folders=("theme/css", "theme/js")) -> dict[str, str]:
    """Copy each asset to name.<hash>.ext; return {old URL path: new URL path}.

    The site's pages are pointed at the hashed copies (cached for good). The plain name
    stays for pages built elsewhere: the forms service's own pages link
    /theme/css/site.css, and a web server answers it with a short cache.
    """
    renamed = {}
    for folder in folders:
        for asset in sorted((output / folder).glob("*")):
            if asset.suffix not in (".css", ".js") or not asset.is_file():
                continue
            digest = hashlib.sha256(asset.read_bytes()).hexdigest()[:10]
            target = asset.with_name(f"{asset.stem}.{digest}{asset.suffix}")
            shutil.copy2(asset, target)
            renamed[f"/{asset.relative_to(output).as_posix()}"] = (
                f"/{target.relative_to(output).as_posix()}"
            )
    return renamed


def rewrite_references(output: Path, renamed: dict[str, str]) -> int:
    """Replace old asset URLs in every HTML page; return how many pages changed."""
    changed = 0
    for page in output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = text
        for old, fresh in renamed.items():
            new = new.replace(f'{old}"', f'{fresh}"')
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed
