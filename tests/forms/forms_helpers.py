"""Helpers for the forms service tests (constants, app builder, posting like forms.js)."""

import os
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from forms_service import create_app
from forms_service.db import db

SITE = "http://localhost"
POSTGRES_URL = os.environ.get("FORMS_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("FORMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
EBOOK_SV = "# Från krav till certifikat\n\nEn kort text med å, ä och ö.\n\n- Punkt ett\n"
EBOOK_EN = "# From requirements to certificate\n\nA short text.\n\n- Point one\n"


def make_app(tmp_path, ebook_source, **overrides):
    """An app with all its files under tmp_path and no background thread."""
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forms.sqlite3'}",
        "SECRET_KEY": "test-secret",
        "SITE_URL": SITE,
        "SMTP_URL": None,
        "OUTBOX_THREAD": False,
        "AUTO_MIGRATE": True,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MIN_FILL_SECONDS": 1.0,
        "OUTBOX_BACKOFF_SECONDS": 0.0,
        "EBOOK_SOURCE_DIR": str(ebook_source),
        "EBOOK_DIR": str(tmp_path / "private-ebook"),
        # Not the repository's output/: tests that need one write it here.
        "DESK_ARTICLES_FILE": str(tmp_path / "articles.json"),
        "DESK_SOURCES_SECONDS": 0,  # tests add rows between pages
    }
    config.update(overrides)
    return create_app(config)


def close_app(app):
    """Close the app's database sessions and connections (every test app, after its test)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def on_each_database(request, build, **overrides):
    """Yield build(**overrides) on SQLite, or on PostgreSQL for request.param "postgresql";
    then close it. For fixtures parametrized over both."""
    if request.param == "postgresql":
        overrides["SQLALCHEMY_DATABASE_URI"] = request.getfixturevalue("postgres_url")
    app = build(**overrides)
    yield app
    close_app(app)


class Signup:
    """Posts like forms.js does: token from /csrf, Accept JSON, same-site Origin."""

    def __init__(self, client):
        self.client = client

    def token(self):
        return self.client.get("/csrf").get_json()["csrf_token"]

    def json(self, with_token=True, headers=None, **fields):
        data = {"name": "Anna Andersson", "email": "anna@example.com", "consent": "y",
                "lang": "sv", "elapsed": "5000"}
        data.update(fields)
        data = {k: v for k, v in data.items() if v is not None}
        sent = {"Accept": "application/json", "Origin": SITE}
        if with_token:
            sent["X-CSRFToken"] = self.token()
        sent.update(headers or {})
        return self.client.post("/ebook", data=data, headers=sent)


def pending_mail(app):
    from forms_service.outbox import process_outbox

    with app.test_request_context(base_url=SITE + "/forms"):
        return process_outbox()


class SMTPCollector:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


ROOT = Path(__file__).resolve().parents[2]


def serve_forms(make_forms, mount=None):
    """Serve the forms app from make_forms(origin) on a free loopback port (inside mount(app)
    if given), the origin being known before the app is made.

    A generator for fixtures: yields (origin, forms app), then stops the server and closes the app.
    """
    import threading

    from werkzeug.serving import make_server

    holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start),
                         threaded=True)
    origin = f"http://127.0.0.1:{server.server_port}"
    forms = make_forms(origin)
    holder["app"] = mount(forms) if mount else forms
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield origin, forms
    server.shutdown()
    thread.join(5)
    close_app(forms)


def serve_site_with_forms(site, make_forms, wrap=None):
    """Serve `site` and the forms app from make_forms(origin) on one port, as `make run` does.

    A generator for fixtures: yields (origin, forms app), then stops the server. wrap, if
    given, is WSGI middleware put in front of both (a test's own pages, a request log).
    """
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from devserver.static_site import StaticSite

    static = StaticSite(site, {"": "404.html", "en/": "en/404.html"})

    def mount(forms):
        both = DispatcherMiddleware(static, {"/forms": forms})
        return wrap(both) if wrap is not None else both

    yield from serve_forms(make_forms, mount)


def example_url(rule):
    """A path the URL rule matches: 1 for a number, the first of an `any`, "x" for the rest."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):  # the app's bounded one too
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    return rule.build(values)[1]


def mails(app):
    """The .eml files the outbox wrote (no SMTP configured), oldest first."""
    files = sorted((Path(app.instance_path) / "mail").glob("*.eml"),
                   key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]


def by_recipient(messages):
    """{To: message} of parsed mails."""
    return {m["To"]: m for m in messages}


def tab_to(page, element_id, what):
    """Press Tab in a browser page until the element with element_id has the focus (80 at most)."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    pytest.fail(f"{what} cannot be reached with Tab")
