"""Rebuild the site whenever content, the theme, the plugins or the settings change."""

from __future__ import annotations

import json
import shutil
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
    paths = [Path(settings_file), Path(settings["PATH"]), Path(settings["THEME"]), ROOT / "plugins"]
    paths += [Path(p) for p in settings.get("PLUGIN_PATHS", [])]
    return [p for p in paths if p.exists()]


def cache_folder(output: Path) -> Path:
    """Where `make run` keeps Pelican's content cache: beside the output, for `make clean`."""
    return output.with_name(f".{output.name}-cache")


def only_content_changed(changed: list[Path], content: Path) -> bool:
    """True when every changed file is a Markdown file of the content (not its data).

    Pelican's content cache keeps each file's reading, which depends on the plugins, the
    settings and content/data/ too; after any other change the cache must go.
    """
    content = content.resolve()
    for path in changed:
        path = path.resolve()
        if path.suffix != ".md" or not path.is_relative_to(content):
            return False
        if path.is_relative_to(content / "data"):
            return False
    return True


def rebuild(settings_file: str, output: Path) -> list[dict]:
    """Run one build in a fresh process, so plugin changes take effect too.

    Return its problems ({file, line, message}); none when the build succeeded. The
    build prints them to the terminal as well. Content read before and unchanged since
    comes from Pelican's content cache (cache_folder); clear_cache() empties it.
    """
    with tempfile.TemporaryDirectory(prefix="devserver-") as folder:
        report = Path(folder) / "problems.json"
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "build.py"), settings_file, str(output),
             "--problems", str(report), "--cache", str(cache_folder(output))],
            cwd=ROOT,
            check=False,
        )
        if result.returncode == 0:
            return []
        if report.is_file():
            return json.loads(report.read_text(encoding="utf-8"))
    return [{"file": "", "line": None,
             "message": f"The build stopped (exit status {result.returncode}); see the terminal."}]


def clear_cache(output: Path) -> None:
    shutil.rmtree(cache_folder(output), ignore_errors=True)


def start_watching(
    settings_file: str, output: Path, stop: threading.Event, state: BuildState
) -> threading.Thread:
    """Start a daemon thread that rebuilds on every change until `stop` is set."""

    content = Path(read_settings(settings_file)["PATH"])

    def loop():
        paths = watched_paths(settings_file)
        for changes in watch(*paths, stop_event=stop, debounce=400):
            changed = sorted({Path(p) for _, p in changes})
            names = sorted({p.name for p in changed})
            print(f"Changed: {', '.join(names[:5])}; rebuilding...", flush=True)
            if not only_content_changed(changed, content):
                clear_cache(output)
            state.finished(rebuild(settings_file, output))

    thread = threading.Thread(target=loop, name="site-watcher", daemon=True)
    thread.start()
    return thread
