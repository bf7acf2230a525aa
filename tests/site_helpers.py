"""Helpers shared by the site tests: real builds into tmp_path, parsing, serving."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
# Where the tests publish a site (its SITEURL).
ORIGIN = "https://www.example.se"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require(what: str, available: bool = False) -> None:
    """Skip a test whose service is missing (not available), or fail it under CI=true."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true", pytrace=False)
    pytest.skip(f"{what} is not available")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    """Whether something accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def build_settings(output: Path, settings_file: Path = ROOT / "pelicanconf.py", **overrides):
    """The project's settings (no content cache) writing into `output`, with overrides."""
    override = {"OUTPUT_PATH": str(output), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False}
    override.update(overrides)
    return read_settings(str(settings_file), override=override)


def build(output: Path, settings_file: Path = ROOT / "pelicanconf.py", **overrides) -> Path:
    """Build a site with Pelican's API into `output` and return it."""
    Pelican(build_settings(output, settings_file, **overrides)).run()
    return output


def build_fixture(output: Path, path: Path = FIXTURE_SITE, **overrides) -> Path:
    """Build a small fixture site (content under `path`) into `output`."""
    overrides.setdefault("STANDARDS_DATA", str(path / "data" / "standards.toml"))
    return build(output, PATH=str(path), **overrides)


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` with `new` in a content file; fail if `old` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def serve_wsgi(app):
    """Serve a WSGI app on a free loopback port in a thread; return (base_url, server)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server
