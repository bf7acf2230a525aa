"""The search index streamed to Pagefind during the build: same bundle as the CLI, nothing
left behind."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from pelican import signals
from site_helpers import build_fixture

import pelicanconf
from plugins.search_index.feeder import feeder_command
from plugins.search_index.page_index import SearchIndexError

# Settings passed explicitly, so these tests do not depend on pelicanconf.py's choice.
STREAMED = {
    "PLUGINS": [*(p for p in pelicanconf.PLUGINS if p != "plugins.search_index"),
                "plugins.search_index"],
    "OUTPUT_STEPS": [
        "plugins.seo.steps.write_site_files",
        "plugins.search_index.steps.start_search_index",
        "plugins.seo.steps.check_output",
        "plugins.search_index.steps.finish_search_index",
    ],
}
CLI = {
    "PLUGINS": [p for p in pelicanconf.PLUGINS if p != "plugins.search_index"],
    "OUTPUT_STEPS": STREAMED["OUTPUT_STEPS"],
}


@pytest.fixture(autouse=True)
def build_mark(monkeypatch) -> str:
    """Mark this test's processes, so a Pagefind orphaned by the feeder is found too."""
    mark = uuid.uuid4().hex
    monkeypatch.setenv("SEARCH_INDEX_TEST_MARK", mark)
    return mark


def indexing_processes() -> list[str]:
    """Command lines of the feeders and Pagefinds started by this test, wherever they are now."""
    mark = f"SEARCH_INDEX_TEST_MARK={os.environ['SEARCH_INDEX_TEST_MARK']}".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended while we looked, or is not ours
        if mark in environ and ("pagefind" in cmdline or "-m plugins.search_index" in cmdline):
            found.append(cmdline)
    return found


def assert_nothing_left_running():
    assert indexing_processes() == []


def bundle(output: Path) -> tuple[dict, list[str]]:
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    counts = {lang: meta["page_count"] for lang, meta in entry["languages"].items()}
    return counts, sorted(p.name for p in (output / "pagefind" / "fragment").iterdir())


def test_streamed_index_matches_the_cli_index(tmp_path):
    streamed = build_fixture(tmp_path / "streamed", **STREAMED)
    assert_nothing_left_running()
    cli = build_fixture(tmp_path / "cli", **CLI)
    # Same languages and page counts, and the same pages (a fragment's name is
    # the hash of its URL, text and metadata).
    assert bundle(streamed) == bundle(cli)
    counts, _ = bundle(streamed)
    assert set(counts) == {"sv", "en"}
    assert (streamed / "pagefind" / "pagefind.js").is_file()


def test_only_pages_marked_for_search_are_indexed(tmp_path):
    output = build_fixture(tmp_path / "out", **STREAMED)
    pages = [p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts]
    marked = [p for p in pages if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert 0 < len(marked) < len(pages)  # the listings are not marked
    counts, fragments = bundle(output)
    assert sum(counts.values()) == len(marked) == len(fragments)


def test_search_index_can_be_switched_off(tmp_path):
    output = build_fixture(tmp_path / "out", SEARCH_INDEX=False, **STREAMED)
    assert (output / "index.html").is_file()
    assert not (output / "pagefind").exists()
    assert_nothing_left_running()


def failing_step(pelican):
    raise RuntimeError("a later step failed")


def test_nothing_outlives_a_build_that_fails_after_writing(tmp_path):
    steps = ["plugins.search_index.steps.start_search_index", "test_search_index.failing_step",
             "plugins.search_index.steps.finish_search_index"]
    with pytest.raises(RuntimeError, match="a later step failed"):
        build_fixture(tmp_path / "out", **{**STREAMED, "OUTPUT_STEPS": steps})
    assert_nothing_left_running()


def fail_on_third_page(path, context):
    fail_on_third_page.pages += 1
    if fail_on_third_page.pages == 3:
        raise RuntimeError("writing failed")


def test_nothing_outlives_a_build_that_fails_while_writing(tmp_path):
    fail_on_third_page.pages = 0
    signals.content_written.connect(fail_on_third_page)
    try:
        with pytest.raises(RuntimeError, match="writing failed"):
            build_fixture(tmp_path / "out", **STREAMED)
    finally:
        signals.content_written.disconnect(fail_on_third_page)
    assert fail_on_third_page.pages == 3
    assert_nothing_left_running()


def test_the_feeder_stops_pagefind_when_the_build_dies(tmp_path):
    """Its input closing without the write command means the build process has gone."""
    output = tmp_path / "out"
    output.mkdir()
    page = output / "index.html"
    html = '<html lang="sv"><body data-pagefind-body><p>Hej</p></body></html>'
    page.write_text(html, encoding="utf-8")
    command, env = feeder_command(str(output))
    feeder = subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    feeder.stdin.write(f"{page}\n".encode())
    feeder.stdin.flush()
    deadline = time.monotonic() + 30
    while not any("--service" in process for process in indexing_processes()):
        assert time.monotonic() < deadline, "Pagefind did not start"
        time.sleep(0.05)
    stdout, stderr = feeder.communicate(timeout=10)  # closes its input
    assert feeder.returncode == 1
    assert stdout == b""
    assert stderr.decode().strip() == (
        "search_index: the build stopped before its last page; no search bundle written"
    )
    assert not (output / "pagefind").exists()
    assert_nothing_left_running()


@pytest.mark.parametrize(
    ("binary", "message"),
    [
        ("/bin/false", r"search_index: pagefind stopped \(exit code 1\)"),
        (
            "/nonexistent/pagefind",
            r"search_index: cannot start /nonexistent/pagefind: .*No such file",
        ),
    ],
)
def test_a_broken_pagefind_stops_the_build_with_a_clear_message(
    tmp_path, monkeypatch, binary, message
):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", binary)
    with pytest.raises(SearchIndexError, match=message):
        build_fixture(tmp_path / "out", **STREAMED)
    assert_nothing_left_running()


def test_the_same_pelican_object_builds_twice(tmp_path):
    """The dev server runs one Pelican object again and again."""
    from pelican import Pelican
    from pelican.settings import read_settings
    from site_helpers import FIXTURE_SITE, ROOT

    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(FIXTURE_SITE),
            "STANDARDS_DATA": str(FIXTURE_SITE / "data" / "standards.toml"),
            "OUTPUT_PATH": str(tmp_path / "out"),
            **STREAMED,
        },
    )
    pelican = Pelican(settings)
    pelican.run()
    first = bundle(tmp_path / "out")
    pelican.run()
    assert bundle(tmp_path / "out") == first
    assert_nothing_left_running()
