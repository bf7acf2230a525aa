"""The site's readers.js in Chromium: one beacon per page shown, no cookie (issue 21)."""

import json
import os
import signal
import subprocess
import threading
import time

import pytest
from forms_helpers import serve_site_with_forms, wait_for
from readers_helpers import BROWSER, flush, readers_app, totals
from site_helpers import CHROMIUM_ARGS

pytestmark = pytest.mark.browser


@pytest.fixture
def counted_site(built_site, tmp_path, ebook_source):
    """The built site and the forms service on one port, counting readers in memory."""
    yield from serve_site_with_forms(
        built_site, lambda origin: readers_app(tmp_path, ebook_source, SITE_URL=origin))


@pytest.fixture
def articles(built_site):
    """Two Swedish article paths from the build's article index."""
    index = json.loads((built_site / "articles.json").read_text(encoding="utf-8"))["articles"]
    return sorted(path for path, item in index.items() if item.get("lang") == "sv")[:2]


class Recorder:
    """Every response the browser got (site, service, beacon), and the beacons it sent."""

    def __init__(self, context):
        self.responses, self.beacons = [], []
        context.on("response", self.on_response)
        context.on("request", self.on_request)

    def on_response(self, response):
        self.responses.append(response)

    def on_request(self, request):
        if "/readers/beacon" in request.url:
            self.beacons.append(json.loads(request.post_data))

    def cookies_set(self):
        return [(response.url, value) for response in self.responses
                for name, value in ((h["name"].lower(), h["value"])
                                    for h in response.headers_array())
                if name == "set-cookie"]


@pytest.fixture
def reader(chromium):
    """A page in a browser that says it is Chrome (headless Chromium says it is a crawler)."""
    context = chromium.new_context(user_agent=BROWSER)
    recorder = Recorder(context)
    page = context.new_page()
    yield page, recorder
    context.close()


def counted(app, expected, **where):
    """Wait until the views matching where reach expected, then a little longer for extras."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        flush(app)
        if totals(app, **where)[0] >= expected:
            break
        time.sleep(0.1)
    time.sleep(0.5)
    flush(app)
    return totals(app, **where)


def test_an_article_sends_exactly_one_beacon_and_nothing_sets_a_cookie(counted_site, reader,
                                                                       articles):
    origin, app = counted_site
    page, recorder = reader
    page.goto(origin + articles[0])
    assert counted(app, 1, path=articles[0]) == (1, 1)
    assert len(recorder.beacons) == 1
    sent = recorder.beacons[0]
    assert sent["path"] == articles[0] and sent["lang"] == "sv" and sent["screen"] == "l"
    assert "utm_source" not in sent and sent["ref"] == ""
    assert recorder.cookies_set() == []
    assert page.context.cookies() == []
    assert page.evaluate("window.localStorage.length") == 0


@pytest.fixture
def bfcache_reader(chromium, chromium_path):
    """A Chromium with its back/forward cache on (Playwright turns it off by default)."""
    browser = chromium.browser_type.launch(
        executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True,
        ignore_default_args=["--disable-back-forward-cache"])
    context = browser.new_context(user_agent=BROWSER)
    recorder = Recorder(context)
    yield context.new_page(), recorder
    browser.close()


def test_back_from_the_bfcache_counts_once_more(counted_site, bfcache_reader, articles):
    origin, app = counted_site
    page, recorder = bfcache_reader
    page.add_init_script("window.addEventListener('pageshow', function (e) {"
                         " if (e.persisted) window.restoredFromCache = true; });")
    first, second = articles
    page.goto(origin + first)
    assert counted(app, 1, path=first)[0] == 1
    page.goto(origin + second)
    assert counted(app, 1, path=second)[0] == 1
    page.go_back(wait_until="commit")  # a page from the bfcache fires no load event
    page.wait_for_url(origin + first, wait_until="commit")
    # The documented rule (readers.js): shown again, counted again, still one visitor.
    assert counted(app, 2, path=first) == (2, 1)
    assert counted(app, 1, path=second) == (1, 1)
    assert [beacon["path"] for beacon in recorder.beacons] == [first, second, first]
    assert page.evaluate("window.restoredFromCache === true"), "not from the bfcache"
    assert recorder.cookies_set() == [] and page.context.cookies() == []


def test_a_campaign_address_is_counted_under_its_source(counted_site, reader, articles):
    origin, app = counted_site
    page, recorder = reader
    page.goto(f"{origin}{articles[0]}?utm_source=x&utm_medium=social&utm_campaign=hosten")
    assert counted(app, 1, utm_source="x") == (1, 1)
    assert totals(app, path=articles[0], utm_source="x", utm_medium="social",
                  utm_campaign="hosten") == (1, 1)
    assert recorder.cookies_set() == []


def test_no_page_of_the_site_and_no_beacon_sets_a_cookie(counted_site, reader):
    origin, app = counted_site
    page, recorder = reader
    pages = ["/", "/en/", "/artiklar/", "/boka-mote/", "/e-bok/", "/integritetspolicy/",
             "/en/privacy-policy/", "/en/about/"]
    for path in pages:
        response = page.goto(origin + path)
        assert response.ok, path
    assert counted(app, len(pages))[0] == len(pages)
    assert len(recorder.responses) > 3 * len(pages)  # styles, scripts, images, beacons too
    assert recorder.cookies_set() == []
    assert page.context.cookies() == []


def test_headless_chromium_is_a_crawler_and_not_counted(counted_site, chromium, articles):
    origin, app = counted_site
    context = chromium.new_context()  # HeadlessChrome in its user agent
    page = context.new_page()
    sent = []
    context.on("request", lambda r: "/readers/beacon" in r.url and sent.append(r))
    page.goto(origin + articles[0])
    page.wait_for_timeout(800)
    context.close()
    assert len(sent) == 1  # the script sent it; the service left it out
    assert counted(app, 0) == (0, 0)


class Prerenderer:
    """WSGI middleware: a page of the test's own that prerenders an article (Speculation
    Rules) and opens it when the test sets go; it logs every request that reaches the server
    with its Sec-Purpose and whether go was set."""

    PATH = "/prerender-test/"
    BEACON = "/forms/readers/beacon"

    def __init__(self, article):
        self.article = article
        self.go = threading.Event()
        self.requests = []  # (path, Sec-Purpose, go was set)

    def wrap(self, app):
        def middleware(environ, start_response):
            path = environ.get("PATH_INFO", "")
            self.requests.append((path, environ.get("HTTP_SEC_PURPOSE", ""), self.go.is_set()))
            if path == self.PATH:
                return self._answer(start_response, "text/html", self.page())
            if path == self.PATH + "go":
                return self._answer(start_response, "text/plain", "1" if self.go.is_set() else "0")
            return app(environ, start_response)

        return middleware

    def page(self):
        rules = json.dumps({"prerender": [{"source": "list", "urls": [self.article]}]})
        return f"""<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>Prerender</title><script type="speculationrules">{rules}</script></head><body><script>
(function poll() {{
  fetch("go", {{cache: "no-store"}}).then(function (r) {{ return r.text(); }}).then(
    function (go) {{ if (go === "1") location.href = {json.dumps(self.article)};
                     else setTimeout(poll, 100); }},
    function () {{ setTimeout(poll, 100); }});
}})();
</script></body></html>"""

    @staticmethod
    def _answer(start_response, kind, text):
        start_response("200 OK", [("Content-Type", kind + "; charset=utf-8"),
                                  ("Cache-Control", "no-store")])
        return [text.encode()]

    def sent(self, path):
        return [request for request in self.requests if request[0] == path]


@pytest.fixture
def prerender_site(built_site, tmp_path, ebook_source, articles):
    """The counted site behind a Prerenderer of its first article."""
    prerenderer = Prerenderer(articles[0])
    for origin, app in serve_site_with_forms(
            built_site, lambda origin: readers_app(tmp_path, ebook_source, SITE_URL=origin),
            wrap=prerenderer.wrap):
        yield origin, app, prerenderer


def test_a_prerendered_article_counts_once_it_is_shown_and_not_before(prerender_site,
                                                                      chromium_path, tmp_path):
    """Real prerendering (Speculation Rules), in Debian's headless Chromium run on its own.

    Not through Playwright: a DevTools client turns prerendering off (Chromium reports
    PrerenderingDisabledByDevTools, even after Page.setPrerenderingAllowed). So the server
    tells what happened: the article was fetched once, as a prerender, and its script with
    it; no beacon came while it waited unseen; once the page opened it, exactly one came,
    and no second request for the article (the prerendered page was shown, not loaded again).
    """
    origin, app, prerenderer = prerender_site
    article = prerenderer.article
    browser = subprocess.Popen(
        [chromium_path, *CHROMIUM_ARGS, "--headless", f"--user-agent={BROWSER}",
         f"--user-data-dir={tmp_path / 'profile'}", origin + Prerenderer.PATH],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_for(lambda: prerenderer.sent("/theme/js/readers.js"), 30), \
            f"Chromium did not prerender {article}: {prerenderer.requests}"
        assert prerenderer.sent(article) == [(article, "prefetch;prerender", False)]
        assert prerenderer.sent("/theme/js/readers.js")[0][1] == "prefetch;prerender"
        time.sleep(1)  # the prerendered page has run its script: it waits to be shown
        assert counted(app, 0, path=article) == (0, 0)
        assert prerenderer.sent(Prerenderer.BEACON) == []
        prerenderer.go.set()
        assert counted(app, 1, path=article) == (1, 1)
        assert prerenderer.sent(Prerenderer.BEACON) == [(Prerenderer.BEACON, "", True)]
        assert prerenderer.sent(article) == [(article, "prefetch;prerender", False)]
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        browser.wait(10)
