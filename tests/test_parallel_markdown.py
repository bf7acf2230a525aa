"""parallel_markdown: Markdown read in worker processes gives the very same site."""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

import pytest
from pelican import Pelican
from related_corpus import write_corpus
from site_helpers import build_settings

# Enough files for the reader to start its processes (reader.MIN_FILES is 64).
ARTICLES = 90


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("parallel") / "content"
    write_corpus(content, total=ARTICLES, paragraphs=3)
    # A comparison table and a formatted Summary go through the workers too.
    first = sorted((content / "articles" / "en").glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    head = "\n".join(line for line in head.splitlines() if not line.startswith("Summary:"))
    first.write_text(
        f"{head}\nSummary: How *ISO 9000* and **ISO 9001** differ.\n\n"
        f"[[compare iso-9000 iso-9001]]\n\n{body}",
        encoding="utf-8",
    )
    return content


def _settings(content: Path, output: Path, **overrides):
    return build_settings(output, PATH=str(content), SEARCH_INDEX=False, **overrides)


def _pages(output: Path) -> dict[str, str]:
    return {
        path.relative_to(output).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(output.rglob("*.html"))
    }


def test_the_site_is_the_same_with_and_without_worker_processes(corpus, tmp_path):
    Pelican(_settings(corpus, tmp_path / "one", MARKDOWN_PROCESSES=1)).run()
    Pelican(_settings(corpus, tmp_path / "two", MARKDOWN_PROCESSES=2)).run()
    serial, parallel = _pages(tmp_path / "one"), _pages(tmp_path / "two")
    assert len(serial) > ARTICLES
    assert serial.keys() == parallel.keys()
    different = [name for name in serial if serial[name] != parallel[name]]
    assert different == []
    table = [text for text in parallel.values() if 'class="comparison"' in text]
    assert table, "the comparison table was not rendered"
    # The Summary was converted from Markdown (the description shows it without tags).
    assert '<meta name="description" content="How ISO 9000 and ISO 9001 differ.">' in table[0]


def test_the_workers_are_used_and_stopped(corpus, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="plugins.parallel_markdown.reader")
    Pelican(_settings(corpus, tmp_path / "out", MARKDOWN_PROCESSES=2)).run()
    assert f"parallel_markdown: {ARTICLES} files in 2 processes" in caplog.text
    assert multiprocessing.active_children() == []


def test_a_broken_file_is_reported_as_without_workers(corpus, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    for path in corpus.rglob("*"):
        if path.is_file():
            target = content / path.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    broken = sorted((content / "articles" / "sv").glob("*.md"))[3]
    broken.write_text(
        broken.read_text(encoding="utf-8") + "\n\n[[compare iso-9000 iso-9999]]\n",
        encoding="utf-8",
    )
    with pytest.raises(Exception) as excinfo:
        Pelican(_settings(content, tmp_path / "out", MARKDOWN_PROCESSES=2)).run()
    assert type(excinfo.value).__name__ == "ContentError"
    name = broken.relative_to(content).as_posix()
    # Reported once, naming the file and the cause (plugins/content_checks).
    assert f"{name}: could not process: standards_table: unknown standard 'iso-9999'" in str(
        excinfo.value
    )
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("value", [0, -2, "two", True])
def test_a_bad_process_count_warns_and_reads_in_one_process(corpus, tmp_path, caplog, value):
    caplog.set_level(logging.DEBUG, logger="plugins.parallel_markdown.reader")
    Pelican(_settings(corpus, tmp_path / "out", MARKDOWN_PROCESSES=value)).run()
    assert f"MARKDOWN_PROCESSES must be a whole number >= 1, not {value!r}" in caplog.text
    assert "files in" not in caplog.text
    assert (tmp_path / "out" / "index.html").is_file()


def test_a_small_site_is_read_in_one_process(tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="plugins.parallel_markdown.reader")
    content = tmp_path / "content"
    write_corpus(content, total=10, paragraphs=2)
    Pelican(_settings(content, tmp_path / "out", MARKDOWN_PROCESSES=2)).run()
    assert "files in" not in caplog.text
    assert (tmp_path / "out" / "index.html").is_file()
