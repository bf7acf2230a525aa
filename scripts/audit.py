"""Run Lighthouse on the production build and print the scores as a table.

Usage: python scripts/audit.py   (or `make audit`)

Builds the site with publishconf.py into a temporary folder, serves it the way
the production web server does (precompressed files, long-lived hashed assets),
and audits both home pages and the flagship article in both languages with
npm's lighthouse@12.2.3 driving Debian's chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from devserver.static_site import StaticSite

ROOT = Path(__file__).resolve().parent.parent

LIGHTHOUSE = "lighthouse@12.2.3"
TOOLS = ROOT / ".audit"
PAGES = [
    "/",
    "/en/",
    "/artiklar/skillnaden-mellan-iso-9000-och-iso-9001/",
    "/en/articles/difference-between-iso-9000-and-iso-9001/",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


def lighthouse_bin() -> Path:
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOLS.mkdir(exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", LIGHTHOUSE],
            check=True,
        )
    return binary


def serve(folder: Path):
    import logging
    import threading

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from werkzeug.serving import make_server

    app = StaticSite(folder, {"": "404.html", "en/": "en/404.html"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None or shutil.which("npm") is None:
        print("make audit needs Debian's chromium and npm (apt-get install chromium npm)")
        return 1
    binary = lighthouse_bin()
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        server = serve(output)  # bind first: the build needs the origin
        origin = f"http://127.0.0.1:{server.server_port}"
        env = dict(os.environ, SITEURL=origin)
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "build.py"), "publishconf.py", str(output)],
            cwd=ROOT, env=env, check=True,
        )
        rows = []
        for page in PAGES:
            report = Path(tmp) / "report.json"
            subprocess.run(
                [str(binary), origin + page, f"--chrome-path={chromium}",
                 f"--chrome-flags={CHROME_FLAGS}", "--output=json",
                 f"--output-path={report}", "--quiet",
                 f"--only-categories={','.join(CATEGORIES)}"],
                check=True,
            )
            data = json.loads(report.read_text(encoding="utf-8"))
            scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
            rows.append((page, scores))
        server.shutdown()
    width = max(len(p) for p in PAGES)
    print(f"| {'page'.ljust(width)} | " + " | ".join(CATEGORIES) + " |")
    print(f"| {'-' * width} | " + " | ".join("-" * len(c) for c in CATEGORIES) + " |")
    failed = False
    for page, scores in rows:
        cells = []
        for c in CATEGORIES:
            ok = scores[c] >= TARGETS[c]
            failed |= not ok
            cells.append(f"{scores[c]}{'' if ok else ' (!)'}".ljust(len(c)))
        print(f"| {page.ljust(width)} | " + " | ".join(cells) + " |")
    print("targets: performance >= 95, the others 100;", "MISSED" if failed else "all met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
