"""`make run`'s server: the built site and the forms service on one port, rebuilt on change."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from site_helpers import FIXTURE_SITE, ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(url)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode("utf-8"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), dict(error.headers)


def _wait_for(predicate, timeout=60.0, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("condition not met in time")


@pytest.fixture
def dev_server(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    settings = tmp_path / "settings.py"
    settings.write_text(
        "from pelicanconf import *\n"
        f"PATH = {str(content)!r}\n"
        f"STANDARDS_DATA = {str(content / 'data' / 'standards.toml')!r}\n",
        encoding="utf-8",
    )
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), FORMS_INSTANCE_PATH=str(tmp_path / "instance"))
    process = subprocess.Popen(
        [sys.executable, "-m", "devserver", "--port", str(port), "--settings", str(settings),
         "--output", str(tmp_path / "output")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return _get(base + "/")[0] == 200
        except OSError:
            return process.poll() is not None and pytest.fail(process.stdout.read())

    try:
        _wait_for(up)
        yield base, content
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_serves_both_home_pages_and_articles(dev_server):
    base, _ = dev_server
    status, body, headers = _get(base + "/")
    assert status == 200 and '<html lang="sv">' in body
    assert headers["Content-Type"].startswith("text/html")
    status, body, _ = _get(base + "/en/")
    assert status == 200 and '<html lang="en">' in body
    status, body, _ = _get(base + "/artiklar/kvalitet-i-praktiken/")
    assert status == 200 and "Kvalitet i praktiken" in body
    status, _, headers = _get(base + "/theme/css/site.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")


def test_missing_pages_get_the_404_of_their_language(dev_server):
    base, _ = dev_server
    status, body, _ = _get(base + "/finns-inte/")
    assert status == 404 and "Sidan finns inte" in body
    status, body, _ = _get(base + "/en/does-not-exist/")
    assert status == 404 and "Page not found" in body
    status, _, _ = _get(base + "/../../etc/passwd")
    assert status == 404


def test_rebuilds_when_content_changes(dev_server):
    base, content = dev_server
    article = content / "articles" / "en" / "quality.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("Quality in practice", "Quality, revised"),
        encoding="utf-8",
    )
    _wait_for(lambda: "Quality, revised" in _get(base + "/en/articles/quality-in-practice/")[1])


def test_forms_service_answers_under_forms_on_the_same_port(dev_server):
    base, _ = dev_server
    status, body, headers = _get(base + "/forms/health")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    status, body, headers = _get(base + "/forms/csrf")
    assert status == 200 and "csrf_token" in body
    assert "no-store" in headers["Cache-Control"]
