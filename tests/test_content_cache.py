"""Pelican's content cache works with every project plugin (their state must pickle)."""

from __future__ import annotations

import filecmp
import logging

from site_helpers import build_fixture


def test_second_build_from_the_cache_is_identical(tmp_path, caplog):
    cache = tmp_path / "cache"
    options = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(cache)}
    with caplog.at_level(logging.WARNING):
        first = build_fixture(tmp_path / "first", **options)
        second = build_fixture(tmp_path / "second", **options)
    assert not [r for r in caplog.records if "cache" in r.getMessage().lower()]
    assert (cache / "ArticlesGenerator-Readers").stat().st_size > 1000
    comparison = filecmp.dircmp(first, second)
    assert comparison.left_only == comparison.right_only == comparison.diff_files == []
    for sub in ("artiklar/kvalitet-i-praktiken", "en"):
        assert filecmp.cmp(first / sub / "index.html", second / sub / "index.html", shallow=False)
