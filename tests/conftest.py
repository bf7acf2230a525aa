"""Shared fixtures: real site builds into tmp_path, served sites and a browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from site_helpers import (
    CHROMIUM_ARGS,
    FIXTURE_SITE,
    ORIGIN,
    ROOT,
    build,
    build_fixture,
    require,
    serve_wsgi,
)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real site, built once per test session."""
    return build(tmp_path_factory.mktemp("real-site") / "output")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The small fixture site, built once per test session."""
    return build_fixture(tmp_path_factory.mktemp("fixture-site") / "output")


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """The real site built with publishconf.py (minified, fingerprinted, precompressed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", ORIGIN)
        return build(tmp_path_factory.mktemp("published") / "output", ROOT / "publishconf.py")


@pytest.fixture(scope="session")
def origin_site(tmp_path_factory) -> Path:
    """The fixture site built for ORIGIN (absolute URLs) with a feed per language, once."""
    return build_fixture(
        tmp_path_factory.mktemp("origin-site") / "out", SITEURL=ORIGIN, LANGUAGE_FEEDS=True
    )


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the fixture content, for tests that break it."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, target)
    return target


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        require("Debian's chromium")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """A headless Debian chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def axe():
    """axe-core, to run in a browser page (page_checks.axe_violations)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _serve_site(folder: Path):
    from devserver.static_site import StaticSite

    base, server = serve_wsgi(StaticSite(folder, {"": "404.html", "en/": "en/404.html"}))
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def fixture_site_url(fixture_site):
    """The fixture site served over HTTP the way `make run` serves it."""
    yield from _serve_site(fixture_site)


@pytest.fixture(scope="session")
def real_site_url(real_site):
    """The real site served over HTTP the way `make run` serves it."""
    yield from _serve_site(real_site)


@pytest.fixture
def page(browser):
    """A fresh browser page in its own context."""
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fresh_pelican_log_memory():
    """Forget the log messages Pelican has seen.

    Once Pelican is imported, every logger created after it (the forms service's too) is
    Pelican's LimitLogger, which drops a warning it has already let through in this process.
    A test that expects a log line must not depend on whether an earlier test logged it.
    """
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._ignore.clear()
    yield


@pytest.fixture(autouse=True)
def _no_forms_variables(monkeypatch):
    """Clear the service's FORMS_* variables, so a developer's shell never changes a test.

    Tests of the environment set theirs with monkeypatch. FORMS_TEST_* only say where the
    test servers are (tests/forms/forms_helpers.py) and stay.
    """
    for name in list(os.environ):
        if name.startswith("FORMS_") and not name.startswith("FORMS_TEST_"):
            monkeypatch.delenv(name)
