"""Shared fixtures: real site builds into tmp_path and parsed HTML."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_service(what: str) -> None:
    """Skip a test whose service is missing, or fail it under CI=true."""
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true", pytrace=False)
    pytest.skip(f"{what} is not available")


def build(output: Path, settings_file: Path = ROOT / "pelicanconf.py", **overrides) -> Path:
    """Build a site with Pelican's API into `output` and return it."""
    override = {"OUTPUT_PATH": str(output), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}
    override.update(overrides)
    settings = read_settings(str(settings_file), override=override)
    Pelican(settings).run()
    return output


def build_fixture(output: Path, path: Path = FIXTURE_SITE, **overrides) -> Path:
    """Build a small fixture site (content under `path`) into `output`."""
    overrides.setdefault("STANDARDS_DATA", str(path / "data" / "standards.toml"))
    return build(output, PATH=str(path), **overrides)


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real site, built once per test session."""
    return build(tmp_path_factory.mktemp("real-site") / "output")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The small fixture site, built once per test session."""
    return build_fixture(tmp_path_factory.mktemp("fixture-site") / "output")


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
        missing_service("Debian's chromium")
    return path


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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


def serve_wsgi(app):
    """Serve a WSGI app on a free loopback port in a thread; return (base_url, server)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server


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


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` with `new` in a content file; fail if `old` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """The real site built with publishconf.py (minified, fingerprinted, precompressed)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", "https://www.example.se")
        return build(tmp_path_factory.mktemp("published") / "output", ROOT / "publishconf.py")
