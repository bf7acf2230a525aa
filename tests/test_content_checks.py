"""Bad content stops the build with a message naming the file, and writes nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from site_helpers import ROOT, build_fixture, edit


def _line_number(path, text) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def _build_error(content, tmp_path) -> str:
    with pytest.raises(Exception) as excinfo:
        build_fixture(tmp_path / "out", path=content)
    assert type(excinfo.value).__name__ == "ContentError"
    return str(excinfo.value)


@pytest.mark.parametrize(
    ("file", "line", "expected"),
    [
        ("articles/sv/miljo.md", "Title: Miljöledning med ISO 14001\n", "missing 'title' metadata"),
        ("articles/sv/miljo.md", "Date: 2024-02-01 10:00\n", "missing 'date' metadata"),
        ("articles/sv/miljo.md", "Lang: sv\n", "missing 'lang' metadata"),
        ("pages/en/privacy.md", "Lang: en\n", "missing 'lang' metadata"),
        ("pages/en/privacy.md", "Title: Privacy policy\n", "missing 'title' metadata"),
    ],
)
def test_missing_metadata_names_the_file(content_copy, tmp_path, file, line, expected):
    edit(content_copy / file, line, "")
    message = _build_error(content_copy, tmp_path)
    assert f"{file}: {expected}" in message


def test_unknown_language(content_copy, tmp_path):
    edit(content_copy / "articles/en/environment.md", "Lang: en", "Lang: de")
    message = _build_error(content_copy, tmp_path)
    assert "articles/en/environment.md:4: unknown language 'de' (known: en, sv)" in message


def test_translation_key_used_twice_in_one_language(content_copy, tmp_path):
    edit(content_copy / "articles/en/environment.md", "Translation_key: environment",
         "Translation_key: quality")
    message = _build_error(content_copy, tmp_path)
    assert (
        "content/articles/en/environment.md, content/articles/en/quality.md: "
        "translation_key 'quality' is used more than once in language 'en'"
    ) in message


def test_broken_filename_link(content_copy, tmp_path):
    edit(content_copy / "articles/sv/kvalitet.md", "{filename}miljo.md", "{filename}finns-inte.md")
    message = _build_error(content_copy, tmp_path)
    line = _line_number(content_copy / "articles/sv/kvalitet.md", "{filename}finns-inte.md")
    assert f"articles/sv/kvalitet.md:{line}: broken link {{filename}}finns-inte.md" in message


def test_unknown_standard_in_comparison_table(content_copy, tmp_path):
    edit(content_copy / "articles/en/quality.md", "[[compare iso-9000 iso-9001]]",
         "[[compare iso-9000 iso-9999]]")
    message = _build_error(content_copy, tmp_path)
    assert (
        "content/articles/en/quality.md: could not process: "
        "standards_table: unknown standard 'iso-9999'"
    ) in message


def test_every_problem_is_reported_at_once(content_copy, tmp_path):
    edit(content_copy / "articles/sv/miljo.md", "Lang: sv\n", "")
    edit(content_copy / "articles/en/environment.md", "Lang: en", "Lang: xx")
    message = _build_error(content_copy, tmp_path)
    assert message.startswith("2 content problem(s):")


def test_a_failed_build_writes_nothing(content_copy, tmp_path):
    edit(content_copy / "articles/sv/miljo.md", "Lang: sv\n", "")
    output = tmp_path / "out"
    _build_error(content_copy, tmp_path)
    assert not output.exists() or not any(output.iterdir())


def test_a_missing_title_is_reported_once(content_copy, tmp_path):
    """Pelican's own "could not find information about 'title'" would say it a second time."""
    edit(content_copy / "articles/sv/miljo.md", "Title: Miljöledning med ISO 14001\n", "")
    message = _build_error(content_copy, tmp_path)
    assert message == (
        "1 content problem(s):\ncontent/articles/sv/miljo.md: missing 'title' metadata"
    )


def _run_build_script(content, tmp_path, *extra):
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from pelicanconf import *\nPATH = {str(content)!r}\n"
        f"STANDARDS_DATA = {str(content / 'data' / 'standards.toml')!r}\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), str(settings),
         str(tmp_path / "output"), *extra],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_build_script_says_each_problem_once_and_writes_them_as_json(content_copy, tmp_path):
    edit(content_copy / "articles/sv/miljo.md", "Title: Miljöledning med ISO 14001\n", "")
    edit(content_copy / "articles/en/environment.md", "Lang: en", "Lang: de")
    problems_file = tmp_path / "problems.json"
    result = _run_build_script(content_copy, tmp_path, "--problems", str(problems_file))
    assert result.returncode == 1
    assert "could not find information" not in result.stdout + result.stderr
    assert result.stderr.count("miljo.md") == 1
    line = _line_number(content_copy / "articles/en/environment.md", "Lang: de")
    assert sorted(json.loads(problems_file.read_text(encoding="utf-8")), key=str) == [
        {"file": "content/articles/en/environment.md", "line": line,
         "message": "unknown language 'de' (known: en, sv)"},
        {"file": "content/articles/sv/miljo.md", "line": None,
         "message": "missing 'title' metadata"},
    ]
    assert f"content/articles/en/environment.md:{line}: unknown language 'de'" in result.stderr


def test_build_script_keeps_the_previous_output_on_failure(content_copy, tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("previous build", encoding="utf-8")
    edit(content_copy / "articles/sv/miljo.md", "Date: 2024-02-01 10:00\n", "")
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"from pelicanconf import *\nPATH = {str(content_copy)!r}\n"
        f"STANDARDS_DATA = {str(content_copy / 'data' / 'standards.toml')!r}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), str(settings), str(output)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "articles/sv/miljo.md: missing 'date' metadata" in result.stderr
    assert "Traceback" not in result.stderr
    assert (output / "index.html").read_text(encoding="utf-8") == "previous build"
    leftovers = {p.name for p in tmp_path.iterdir()} - {
        "content", "output", "settings.py", "__pycache__"}
    assert leftovers == set()
