"""The post-build steps run in the configured order, and a bad entry is named."""

from __future__ import annotations

import pytest
from site_helpers import build_fixture

CALLS: list[str] = []


def first_step(pelican):
    CALLS.append("first")


def second_step(pelican):
    assert (pelican.settings["OUTPUT_PATH"] and CALLS == ["first"]), CALLS
    CALLS.append("second")


def test_steps_run_in_the_configured_order(tmp_path):
    CALLS.clear()
    build_fixture(
        tmp_path / "out",
        OUTPUT_STEPS=["test_output_steps.first_step", "test_output_steps.second_step"],
    )
    assert CALLS == ["first", "second"]
    assert not (tmp_path / "out" / "sitemap.xml").exists()  # not configured, not run


def test_an_unknown_step_is_named(tmp_path):
    with pytest.raises(Exception, match=r"output_steps: cannot find 'seo\.steps\.nope'"):
        build_fixture(tmp_path / "out", OUTPUT_STEPS=["seo.steps.nope"])
