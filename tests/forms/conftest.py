"""Fixtures for the forms service: apps on SQLite and PostgreSQL, real SMTP and Redis."""

import uuid
from urllib.parse import urlsplit

import pytest
from booking_helpers import Visitor, booking_app
from calendar_helpers import Radicale
from desk_helpers import browser_log_in
from forms_helpers import (
    EBOOK_EN,
    EBOOK_SV,
    POSTGRES_URL,
    REDIS_URL,
    Signup,
    SMTPCollector,
    close_app,
    make_app,
    on_each_database,
    serve_site_with_forms,
)
from site_helpers import free_port, port_open, require


@pytest.fixture(scope="session")
def postgres_server():
    """A fresh database on the real PostgreSQL server; its URL (dropped afterwards)."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        require("PostgreSQL at " + POSTGRES_URL, False)
    name = "forms_test_" + uuid.uuid4().hex[:10]
    admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def postgres_url(postgres_server):
    """The session database, emptied for this test."""
    yield postgres_server
    import sqlalchemy

    engine = sqlalchemy.create_engine(postgres_server)
    with engine.begin() as conn:
        # Every table, whichever feature's migration made it.
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request):
    """Config overrides for apps a test builds itself: {} on SQLite, then PostgreSQL's URL."""
    if request.param == "postgresql":
        return {"SQLALCHEMY_DATABASE_URI": request.getfixturevalue("postgres_url")}
    return {}


@pytest.fixture
def ebook_source(tmp_path):
    folder = tmp_path / "ebook-src"
    folder.mkdir()
    (folder / "sv.md").write_text(EBOOK_SV, encoding="utf-8")
    (folder / "en.md").write_text(EBOOK_EN, encoding="utf-8")
    return folder


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path, ebook_source):
    """The app on SQLite and on PostgreSQL."""
    yield from on_each_database(request, lambda **o: make_app(tmp_path, ebook_source, **o))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bare_app(request, tmp_path, ebook_source):
    """The app on SQLite and on PostgreSQL, its database left for the test to migrate."""
    yield from on_each_database(request, lambda **o: make_app(tmp_path, ebook_source, **o),
                                AUTO_MIGRATE=False)


@pytest.fixture
def closing():
    """closing(app) returns app and closes it (sessions, connections) after the test."""
    apps = []

    def close_later(app):
        apps.append(app)
        return app

    yield close_later
    for app in apps:
        close_app(app)


@pytest.fixture
def build_app(tmp_path, ebook_source, closing):
    """build_app(**overrides): make_app's app with files under tmp_path, closed afterwards."""
    return lambda **overrides: closing(make_app(tmp_path, ebook_source, **overrides))


@pytest.fixture
def sqlite_app(build_app):
    return build_app()


@pytest.fixture
def pg_app(postgres_url, build_app):
    """The app on PostgreSQL only (closed before its database is emptied)."""
    return build_app(SQLALCHEMY_DATABASE_URI=postgres_url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def signup(client):
    return Signup(client)


class SMTPServers:
    """Real aiosmtpd servers on loopback ports in this process (the smtp_servers fixture)."""

    def __init__(self):
        self.running = []

    def start(self, handler, port=None, **options):
        """Serve handler on port (default: a free one) with Controller options; the port."""
        from aiosmtpd.controller import Controller

        controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(),
                                **options)
        controller.start()
        self.running.append(controller)
        return controller.port

    def stop(self, port):
        """Stop the server on port (it may be started there again)."""
        for controller in [c for c in self.running if c.port == port]:
            self.running.remove(controller)
            controller.stop()

    def stop_all(self):
        for controller in self.running:
            controller.stop()
        self.running.clear()


@pytest.fixture
def smtp_servers():
    """SMTPServers: start(handler, **options) real SMTP servers; all stopped afterwards."""
    servers = SMTPServers()
    yield servers
    servers.stop_all()


@pytest.fixture
def smtp_server(smtp_servers):
    """A real SMTP server collecting mail; (handler, port, start, stop) to restart it."""
    handler = SMTPCollector()
    port = smtp_servers.start(handler)
    return (handler, port, lambda: smtp_servers.start(handler, port),
            lambda: smtp_servers.stop(port))


@pytest.fixture
def redis_url():
    parts = urlsplit(REDIS_URL)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    require(f"Redis at {host}:{port}", port_open(host, port))
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def built_site(real_site):
    """The real site, built once per session with Pelican (tests/conftest.py)."""
    return real_site


@pytest.fixture
def live_site(built_site, tmp_path, ebook_source):
    """The built site and the forms service on one port, as `make run` serves them."""
    yield from serve_site_with_forms(
        built_site,
        lambda origin: make_app(tmp_path, ebook_source, SITE_URL=origin, MIN_FILL_SECONDS=0.3),
    )


@pytest.fixture
def live_booking(built_site, tmp_path, ebook_source):
    """The built site and the booking service (fixed clock) on one port; (origin, app)."""
    yield from serve_site_with_forms(
        built_site,
        lambda origin: booking_app(tmp_path, ebook_source, SITE_URL=origin, MIN_FILL_SECONDS=0.3),
    )


@pytest.fixture(scope="session")
def chromium(browser):
    """Debian's Chromium driven by Playwright: the suite's one shared browser.

    Playwright's sync API allows one running instance per thread, so the
    forms tests reuse the `browser` fixture of tests/conftest.py (which fails
    instead of skipping when CI=true and chromium is missing).
    """
    return browser


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A real CalDAV server (Radicale) with one user, shared by the session's tests."""
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.close()


@pytest.fixture
def logged_in_page(chromium):
    """logged_in_page(origin): a fresh browser page logged in to the desk at origin."""
    contexts = []

    def open_page(origin):
        contexts.append(chromium.new_context())
        page = contexts[-1].new_page()
        browser_log_in(page, origin)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def freeze_proxy():
    """Make FreezeProxy(target_port) instances in front of real servers; closed afterwards."""
    from freeze_proxy import FreezeProxy

    proxies = []

    def make(target_port):
        proxies.append(FreezeProxy(target_port))
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bapp(request, tmp_path, ebook_source):
    """The booking app (fixed clock, one consultant) on SQLite and on PostgreSQL."""
    yield from on_each_database(request, lambda **o: booking_app(tmp_path, ebook_source, **o))


@pytest.fixture
def visitor(bapp):
    """Books on bapp as booking.js does."""
    return Visitor(bapp.test_client())
