"""require(): a missing service skips a test, or fails it when CI=true."""

import pytest
import site_helpers
from site_helpers import require


def test_a_missing_service_skips_the_test(monkeypatch):
    monkeypatch.setattr(site_helpers, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="Redis at x is not available"):
        require("Redis at x")


def test_a_missing_service_fails_the_test_under_ci(monkeypatch):
    monkeypatch.setattr(site_helpers, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="Redis at x is required when CI=true"):
        require("Redis at x", available=False)


def test_an_available_service_changes_nothing(monkeypatch):
    monkeypatch.setattr(site_helpers, "IN_CI", True)
    assert require("Redis at x", available=True) is None
