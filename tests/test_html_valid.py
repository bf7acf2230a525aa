"""Every built page passes the Nu HTML checker (vnu) with zero errors."""

from __future__ import annotations

import pytest
from page_checks import vnu_errors


@pytest.mark.parametrize("site_name", ["fixture_site", "real_site", "published_site"])
def test_html_has_no_validation_errors(request, site_name):
    site = request.getfixturevalue(site_name)
    assert len(list(site.rglob("*.html"))) > 10
    assert vnu_errors(site) == []


def test_the_checker_finds_errors(tmp_path):
    """Guard against a checker that silently passes everything."""
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html><body><p><div></p>", encoding="utf-8")
    assert vnu_errors(tmp_path)
