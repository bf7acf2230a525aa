"""Rebuild the site whenever content, the theme, the plugins or the settings change."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from pelican.settings import read_settings
from watchfiles import watch

from .state import BuildState

ROOT = Path(__file__).resolve().parent.parent


def watched_paths(settings_file: str) -> list[Path]:
    """Return the content, theme and plugin folders and the settings file of a site."""
    settings = read_settings(settings_file)
    paths = [Path(settings_file), Path(settings["PATH"]), Path(settings["THEME"])]
    paths += [Path(p) for p in settings.get("PLUGIN_PATHS", [])]
    return [p for p in paths if p.exists()]


def rebuild(settings_file: str, output: Path) -> list[dict]:
    """Run one build in a fresh process, so plugin changes take effect too.

    Return its problems ({file, line, message}); none when the build succeeded. The
    build prints them to the terminal as well.
    """
    with tempfile.TemporaryDirectory(prefix="devserver-") as folder:
        report = Path(folder) / "problems.json"
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "build.py"), settings_file, str(output),
             "--problems", str(report)],
            cwd=ROOT,
            check=False,
        )
        if result.returncode == 0:
            return []
        if report.is_file():
            return json.loads(report.read_text(encoding="utf-8"))
    return [{"file": "", "line": None,
             "message": f"The build stopped (exit status {result.returncode}); see the terminal."}]


def start_watching(
    settings_file: str, output: Path, stop: threading.Event, state: BuildState
) -> threading.Thread:
    """Start a daemon thread that rebuilds on every change until `stop` is set."""

    def loop():
        paths = watched_paths(settings_file)
        for changes in watch(*paths, stop_event=stop, debounce=400):
            names = sorted({Path(p).name for _, p in changes})
            print(f"Changed: {', '.join(names[:5])}; rebuilding...", flush=True)
            state.finished(rebuild(settings_file, output))

    thread = threading.Thread(target=loop, name="site-watcher", daemon=True)
    thread.start()
    return thread
