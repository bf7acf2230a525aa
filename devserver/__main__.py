"""`python -m devserver`: build, watch and serve the site and the forms service."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from pelican.settings import read_settings
from werkzeug.serving import run_simple

from .app import create_dev_app
from .watch import ROOT, rebuild, start_watching


def not_found_pages(settings_file: str) -> dict[str, str]:
    """Map each language's URL prefix to its 404 page."""
    settings = read_settings(settings_file)
    return {
        entry["prefix"]: f"{entry['prefix']}404.html" for entry in settings["LANGUAGES"].values()
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--output", default=str(ROOT / "output"))
    args = parser.parse_args(argv)

    output = Path(args.output)
    if not rebuild(args.settings, output) and not output.exists():
        return 1
    stop = threading.Event()
    start_watching(args.settings, output, stop)
    site_url = f"http://{args.host}:{args.port}"
    app = create_dev_app(output, not_found_pages(args.settings), site_url)
    print(f"Serving {site_url}/ (Swedish), {site_url}/en/ (English), forms at /forms/", flush=True)
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
