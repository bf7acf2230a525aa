"""`make html`'s build script, run the way make runs it: a fresh process, no test paths."""

from __future__ import annotations

import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from site_helpers import FIXTURE_SITE, ROOT

ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}

# A plugin that holds the build once the articles are written, so a test can interrupt it there.
PAUSE_PLUGIN = '''
import time
from pathlib import Path

from pelican import signals


def pause(generator, writer):
    Path(generator.settings["PAUSE_MARKER"]).touch()
    time.sleep(120)


def register():
    signals.article_writer_finalized.connect(pause)
'''


def write_settings(tmp_path: Path, extra: str = "") -> Path:
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from pelicanconf import *\nPATH = {str(FIXTURE_SITE)!r}\n"
        f"STANDARDS_DATA = {str(FIXTURE_SITE / 'data' / 'standards.toml')!r}\n{extra}",
        encoding="utf-8",
    )
    return settings


def build_command(settings: Path, output: Path, umask: int = 0o022) -> list[str]:
    """The build script's command line, run under `umask` (a shell sets it, as a login would)."""
    script = [sys.executable, str(ROOT / "scripts" / "build.py"), str(settings), str(output)]
    return ["sh", "-c", f'umask {umask:03o} && exec "$@"', "sh", *script]


def staging_folders(folder: Path) -> list[Path]:
    return sorted(folder.glob(".output-*"))


def run_build(tmp_path, output, umask=0o022):
    """Run scripts/build.py on the fixture site into output; fail with its stderr."""
    result = subprocess.run(
        build_command(write_settings(tmp_path), output, umask),
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_build_script_builds_the_whole_site(tmp_path):
    output = tmp_path / "output"
    run_build(tmp_path, output)
    assert (output / "index.html").is_file()
    assert (output / "en" / "index.html").is_file()
    assert (output / "sitemap.xml").is_file()
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
    assert staging_folders(tmp_path) == []


@pytest.mark.parametrize("umask", [0o022, 0o027], ids=["umask-022", "umask-027"])
def test_the_output_folder_has_the_mode_the_umask_gives(tmp_path, umask):
    # Not the staging folder's private 0700: nginx, another user, must read the site.
    output = tmp_path / "output"
    run_build(tmp_path, output, umask)
    assert stat.S_IMODE(output.stat().st_mode) == 0o777 & ~umask


def test_ctrl_c_leaves_no_staging_folder_and_the_old_output(tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "pause_build.py").write_text(PAUSE_PLUGIN, encoding="utf-8")
    marker = tmp_path / "paused"
    settings = write_settings(
        tmp_path,
        f"PLUGINS = [*PLUGINS, 'pause_build']\nPLUGIN_PATHS = [{str(plugins)!r}]\n"
        f"PAUSE_MARKER = {str(marker)!r}\n",
    )
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the previous build", encoding="utf-8")
    build = subprocess.Popen(
        build_command(settings, output),
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert build.poll() is None, build.communicate()[1]
            assert time.monotonic() < deadline, "the build never reached the pause"
            time.sleep(0.05)
        (staging,) = staging_folders(tmp_path)
        assert any(staging.rglob("*.html"))  # Pelican has written pages there
        build.send_signal(signal.SIGINT)  # what Ctrl-C sends
        _, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
            build.communicate()
    assert staging_folders(tmp_path) == []
    assert (output / "index.html").read_text(encoding="utf-8") == "the previous build"
    assert build.returncode == 130, stderr
    assert "Build interrupted" in stderr
