"""`make html`'s build script, run the way make runs it: a fresh process, no test paths."""

from __future__ import annotations

import subprocess
import sys

from site_helpers import FIXTURE_SITE, ROOT


def test_build_script_builds_the_whole_site(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from pelicanconf import *\nPATH = {str(FIXTURE_SITE)!r}\n"
        f"STANDARDS_DATA = {str(FIXTURE_SITE / 'data' / 'standards.toml')!r}\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), str(settings), str(output)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (output / "index.html").is_file()
    assert (output / "en" / "index.html").is_file()
    assert (output / "sitemap.xml").is_file()
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
