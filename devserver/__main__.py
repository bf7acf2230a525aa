"""`python -m devserver`: build, watch and serve the site and the forms service."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pelican.settings import read_settings
from werkzeug.serving import run_simple

from forms_service.config import from_environment

from .app import create_dev_app, load_forms_app
from .live import load_catalogs
from .state import BuildState
from .watch import ROOT, clear_cache, rebuild, start_watching


def not_found_pages(settings) -> dict[str, str]:
    """Map each language's URL prefix to its 404 page."""
    return {
        entry["prefix"]: f"{entry['prefix']}404.html" for entry in settings["LANGUAGES"].values()
    }


def flask_command() -> str:
    """The project's own `flask` (a global one lacks the project's packages), as typed here."""
    flask = Path(sys.executable).parent / "flask"
    try:
        shown = os.path.relpath(flask)
    except ValueError:  # another drive (Windows)
        shown = str(flask)
    command = f"{shown} --app forms_service users create --email you@normkraft.se"
    # The command must find the same instance folder (database) as this server.
    instance = from_environment()["INSTANCE_PATH"]
    if instance:
        command = f"FORMS_INSTANCE_PATH={shlex.quote(instance)} {command}"
    return command


def mail_destination(forms, site_url: str) -> str:
    """Say where the forms service's mail goes: SMTP (password hidden) or .eml files."""
    smtp = forms.config.get("SMTP_URL")
    if smtp:
        parts = urlsplit(smtp)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        if parts.username:
            secret = ":***" if parts.password else ""
            netloc = f"{parts.username}{secret}@{netloc}"
        return f"sent through {urlunsplit(parts._replace(netloc=netloc))}"
    folder = Path(forms.instance_path) / "mail"
    return f"written to {folder}/; read it at {site_url}/forms/dev/mail"


def banner(site_url: str, settings, forms) -> str:
    """The lines `make run` prints once it serves: where everything is."""
    lines = ["", "Normkraft development server", ""]
    for code, entry in settings["LANGUAGES"].items():
        lines.append(f"  Site ({code}):    {site_url}/{entry['prefix']}")
    if forms is not None:
        lines += [
            f"  Forms:        {site_url}/forms/",
            f"  Sales desk:   {site_url}/forms/admin/",
            f"  Desk user:    {flask_command()}",
            f"  Mail:         {mail_destination(forms, site_url)}",
        ]
    lines += [
        "  Live reload:  open pages reload after each rebuild; a failed build is shown on them",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--output", default=str(ROOT / "output"))
    args = parser.parse_args(argv)

    output = Path(args.output)
    settings = read_settings(args.settings)
    site_url = f"http://{args.host}:{args.port}"
    forms = load_forms_app(site_url)  # first: a broken service stops us before the build
    state = BuildState()
    clear_cache(output)  # the code may have changed since the last run
    state.finished(rebuild(args.settings, output))
    if state.problems and not output.exists():
        return 1
    stop = threading.Event()
    start_watching(args.settings, output, stop, state)
    catalogs = load_catalogs(settings["I18N_CATALOGS"]) if settings.get("I18N_CATALOGS") else {}
    app = create_dev_app(output, not_found_pages(settings), forms, state, catalogs)
    print(banner(site_url, settings, forms), flush=True)
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
