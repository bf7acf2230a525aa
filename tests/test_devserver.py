"""`make run`'s server: the built site and the forms service on one port, rebuilt on change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from site_helpers import FIXTURE_SITE, ROOT, edit, free_port


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


@dataclass
class DevServer:
    base: str
    content: Path
    output: Path
    instance: Path
    log: Path

    def terminal(self) -> str:
        """What the server has printed so far."""
        return self.log.read_text(encoding="utf-8")


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
    port = free_port()
    instance = tmp_path / "instance"
    # tests/conftest.py has cleared the FORMS_* variables of the shell.
    env = dict(os.environ, PYTHONPATH=str(ROOT), FORMS_INSTANCE_PATH=str(instance))
    log = tmp_path / "devserver.log"
    # A file, not a pipe: a pipe nobody reads would stall the server once it is full.
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "devserver", "--port", str(port), "--settings", str(settings),
             "--output", str(tmp_path / "output")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return _get(base + "/")[0] == 200
        except OSError:
            return process.poll() is not None and pytest.fail(log.read_text(encoding="utf-8"))

    try:
        _wait_for(up)
        yield DevServer(base, content, tmp_path / "output", instance, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serves_both_home_pages_and_articles(dev_server):
    base = dev_server.base
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
    base = dev_server.base
    status, body, _ = _get(base + "/finns-inte/")
    assert status == 404 and "Sidan finns inte" in body
    status, body, _ = _get(base + "/en/does-not-exist/")
    assert status == 404 and "Page not found" in body
    status, _, _ = _get(base + "/../../etc/passwd")
    assert status == 404


def test_rebuilds_when_content_changes(dev_server):
    base, content = dev_server.base, dev_server.content
    article = content / "articles" / "en" / "quality.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("Quality in practice", "Quality, revised"),
        encoding="utf-8",
    )
    _wait_for(lambda: "Quality, revised" in _get(base + "/en/articles/quality-in-practice/")[1])


def test_forms_service_answers_under_forms_on_the_same_port(dev_server):
    base = dev_server.base
    status, body, headers = _get(base + "/forms/health")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    status, body, headers = _get(base + "/forms/csrf")
    assert status == 200 and "csrf_token" in body
    assert "no-store" in headers["Cache-Control"]


def test_start_up_banner_says_where_everything_is(dev_server):
    base, terminal = dev_server.base, dev_server.terminal()
    assert f"Site (sv):    {base}/\n" in terminal
    assert f"Site (en):    {base}/en/\n" in terminal
    assert f"Sales desk:   {base}/forms/admin/\n" in terminal
    # The project's own flask, with the instance folder this server uses: a global
    # `flask` lacks the project's packages (ModuleNotFoundError: flask_migrate).
    flask = os.path.relpath(Path(sys.executable).parent / "flask", ROOT)
    assert (
        f"Desk user:    FORMS_INSTANCE_PATH={dev_server.instance} {flask} "
        "--app forms_service users create --email you@normkraft.se\n"
    ) in terminal
    assert (
        f"Mail:         written to {dev_server.instance / 'mail'}/; "
        f"read it at {base}/forms/dev/mail\n"
    ) in terminal


def test_a_service_that_cannot_be_imported_is_an_error(monkeypatch):
    from devserver.app import load_forms_app

    monkeypatch.setitem(sys.modules, "forms_service", None)  # import fails, as a broken one does
    with pytest.raises(ImportError):
        load_forms_app("http://127.0.0.1:8000")


def test_a_broken_service_stops_make_run_with_its_traceback(tmp_path):
    broken = tmp_path / "broken" / "forms_service"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("import a_module_that_is_not_there\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=f"{broken.parent}{os.pathsep}{ROOT}")
    result = subprocess.run(
        [sys.executable, "-m", "devserver", "--port", str(free_port()),
         "--output", str(tmp_path / "output")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "No module named 'a_module_that_is_not_there'" in result.stderr
    assert not (tmp_path / "output").exists()  # stopped before building or serving


def test_banner_names_the_smtp_server_without_its_password():
    from devserver.__main__ import mail_destination

    forms = SimpleNamespace(
        config={"SMTP_URL": "smtp://mailer:s3cret@mail.example.se:587"}, instance_path="/x"
    )
    shown = mail_destination(forms, "http://127.0.0.1:8000")
    assert shown == "sent through smtp://mailer:***@mail.example.se:587"


def test_live_reload_is_added_when_served_and_never_written(dev_server):
    status, body, headers = _get(dev_server.base + "/en/articles/quality-in-practice/")
    assert status == 200
    assert body.count('<script src="/_devserver/live.js"') == 1
    assert body.index("/_devserver/live.js") < body.rindex("</body>")
    assert int(headers["Content-Length"]) == len(body.encode("utf-8"))
    built = (dev_server.output / "en/articles/quality-in-practice/index.html").read_text("utf-8")
    assert "_devserver" not in built
    status, script, headers = _get(dev_server.base + "/_devserver/live.js")
    assert status == 200 and "EventSource" in script
    assert headers["Content-Type"].startswith("text/javascript")
    # The forms service's pages are not the site's: nothing is added to them.
    _, body, _ = _get(dev_server.base + "/forms/booking?lang=sv")
    assert "_devserver" not in body


def test_production_build_has_no_trace_of_live_reload(published_site):
    texts = [
        p for p in published_site.rglob("*")
        if p.is_file() and p.suffix in {".html", ".js", ".css", ".xml", ".json", ".txt"}
    ]
    assert len(texts) > 20
    traces = [p for p in texts if "_devserver" in p.read_text("utf-8", errors="replace")
              or "EventSource" in p.read_text("utf-8", errors="replace")]
    assert traces == []


def open_and_mark(page, url):
    """Open url once its reload script is in, and mark the page: a reload forgets the mark."""
    page.goto(url)
    page.wait_for_function("document.querySelector('script[data-generation]') !== null")
    page.evaluate("window.notReloadedYet = true")


def test_open_page_reloads_with_the_saved_change(dev_server, page):
    article = dev_server.content / "articles" / "en" / "quality.md"
    open_and_mark(page, dev_server.base + "/en/articles/quality-in-practice/")
    edit(article, "Quality in practice", "Quality, saved just now")
    page.wait_for_function(
        "document.querySelector('h1') && document.querySelector('h1').textContent"
        ".includes('Quality, saved just now')",
        timeout=60_000,
    )
    assert page.evaluate("window.notReloadedYet") is None


def test_a_broken_build_shows_an_overlay_and_the_fix_reloads(dev_server, page):
    article = dev_server.content / "articles" / "sv" / "kvalitet.md"
    open_and_mark(page, dev_server.base + "/artiklar/kvalitet-i-praktiken/")
    edit(article, "Lang: sv\n", "Lang: xx\n")
    overlay = page.locator("#devserver-overlay")
    overlay.locator(".problem").wait_for(timeout=60_000)
    # In the page's language, naming the file, the line and the message.
    assert overlay.locator("h2").text_content() == "Webbplatsen kunde inte byggas"
    assert overlay.locator(".file").text_content() == "content/articles/sv/kvalitet.md, rad 4"
    assert overlay.locator(".message").text_content() == "unknown language 'xx' (known: en, sv)"
    assert page.evaluate("window.notReloadedYet") is True
    # The terminal says the same.
    assert "content/articles/sv/kvalitet.md:4: unknown language 'xx' (known: en, sv)" in (
        dev_server.terminal()
    )

    edit(article, "Lang: xx\n", "Lang: sv\n")
    page.wait_for_function("window.notReloadedYet === undefined", timeout=60_000)
    page.wait_for_load_state()
    assert page.locator("#devserver-overlay").count() == 0
    assert page.locator("h1").text_content().strip() == "Kvalitet i praktiken"


def test_a_page_opened_while_the_build_is_broken_shows_the_overlay(dev_server, page):
    edit(dev_server.content / "articles" / "en" / "quality.md", "Title: Quality in practice\n", "")
    _wait_for(lambda: "missing 'title' metadata" in dev_server.terminal())
    page.goto(dev_server.base + "/en/")
    overlay = page.locator("#devserver-overlay")
    overlay.locator(".problem").wait_for(timeout=30_000)
    assert overlay.locator("h2").text_content() == "The site could not be built"
    assert overlay.locator(".file").text_content() == "content/articles/en/quality.md"
    assert overlay.locator(".message").text_content() == "missing 'title' metadata"
    assert dev_server.terminal().count("missing 'title' metadata") == 1
    assert "could not find information" not in dev_server.terminal()


@pytest.mark.parametrize(
    ("changed", "kept"),
    [
        (["articles/sv/a.md"], True),
        (["articles/sv/a.md", "pages/en/b.md"], True),
        (["data/standards.toml"], False),
        (["data/notes.md"], False),
        (["images/a.png"], False),
        (["../theme/templates/base.html"], False),
        (["articles/sv/a.md", "../pelicanconf.py"], False),
    ],
)
def test_content_cache_is_kept_only_when_only_content_changed(tmp_path, changed, kept):
    from devserver.watch import only_content_changed

    content = tmp_path / "content"
    assert only_content_changed([content / name for name in changed], content) is kept


def test_a_data_change_after_a_content_change_is_built(dev_server, tmp_path):
    """The content cache must not keep a page's old rendering once the data changes."""
    base, content = dev_server.base, dev_server.content
    edit(content / "articles" / "en" / "quality.md", "Quality in practice", "Quality, cached")
    _wait_for(lambda: "Quality, cached" in _get(base + "/en/articles/quality-in-practice/")[1])
    data = content / "data" / "standards.toml"
    assert (tmp_path / ".output-cache").is_dir()
    before = data.read_text(encoding="utf-8")
    assert "ISO 9000 compared with ISO 9001" in _get(base + "/en/articles/quality-in-practice/")[1]
    edit(data, 'caption = "{left} compared with {right}"', 'caption = "{left} set beside {right}"')
    assert data.read_text(encoding="utf-8") != before
    url = base + "/en/articles/quality-in-practice/"
    _wait_for(lambda: "ISO 9000 set beside ISO 9001" in _get(url)[1])
