"""Hung servers, not only stopped ones: a freezing proxy in front of PostgreSQL and SMTP.

While a server hangs every page answers its localized 503 within the deadlines of
README (Production and scale-out); once it answers again, the service serves normally.
"""

import smtplib
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from desk_helpers import PASSWORD, STAFF, add_staff, csrf_token, staff_client
from forms_helpers import Signup, make_app, pending_mail, wait_for
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from forms_service.db import db
from forms_service.desk import auth
from forms_service.models import OutboxMessage
from forms_service.tokens import download_token

# Each is asked while PostgreSQL hangs: (method, path, headers); {download} is a real link.
PAGES = [
    ("GET", "/booking/slots", {"Accept": "application/json"}),
    ("GET", "/booking", {}),
    ("GET", "/ebook/download/{download}", {}),
    ("GET", "/admin/leads", {}),
    ("GET", "/admin/export/leads.csv", {}),
    ("GET", "/admin/deliveries", {}),
]


def through(url, port):
    """url with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) > 1 else host))


@pytest.fixture
def frozen_pg(tmp_path, ebook_source, postgres_url, freeze_proxy, closing):
    """(app, proxy): the app's every PostgreSQL connection passes through a FreezeProxy."""
    proxy = freeze_proxy(urlsplit(postgres_url).port or 5432)
    app = closing(make_app(tmp_path, ebook_source,
                           SQLALCHEMY_DATABASE_URI=through(postgres_url, proxy.port)))
    yield app, proxy
    proxy.thaw()


def timed(client, method, path, **kwargs):
    began = time.monotonic()
    response = client.open(path, method=method, **kwargs)
    return response, time.monotonic() - began


@pytest.mark.postgres
def test_postgres_hanging_gives_503_within_deadlines_then_recovers(frozen_pg):
    app, proxy = frozen_pg
    client = staff_client(app)
    signup = Signup(client)
    assert client.get("/health").status_code == 200
    assert signup.json(email="before@example.com").status_code == 200
    with app.app_context():
        lead_id = db.session.scalar(db.text("SELECT id FROM leads"))
    with app.test_request_context():
        download = download_token(lead_id, "sv")

    proxy.freeze()
    response, seconds = timed(client, "GET", "/health")
    assert response.status_code == 503 and seconds < 2.0, seconds
    for method, path, headers in PAGES:
        response, seconds = timed(client, method, path.format(download=download),
                                  headers=headers)
        assert response.status_code == 503, (path, response.status_code)
        assert seconds < 5.5, (path, seconds)
        assert b"Traceback" not in response.data
    began = time.monotonic()
    response = signup.json(email="during@example.com")
    assert response.status_code == 503 and time.monotonic() - began < 11  # token + post
    assert "support@normkraft.se" in response.get_json()["message"]

    # Pooled connections that timed out are gone, not stuck: after the thaw it serves again.
    proxy.thaw()
    assert wait_for(lambda: client.get("/health").status_code == 200, timeout=5)
    assert signup.json(email="after@example.com").status_code == 200
    assert client.get("/booking/slots", headers={"Accept": "application/json"}).status_code == 200
    with app.app_context():
        emails = set(db.session.scalars(db.text("SELECT email FROM leads")))
    assert emails == {"before@example.com", "after@example.com"}


@pytest.mark.postgres
def test_a_long_statement_is_cancelled_by_the_server(pg_app):
    """statement_timeout: a slow query on a live server ends with a 503, not a hang."""
    pg_app.config["DB_STATEMENT_TIMEOUT"] = 4.0
    with pg_app.app_context():
        began = time.monotonic()
        with pytest.raises(OperationalError) as info:
            db.session.execute(db.text("SELECT pg_sleep(30)"))
        assert time.monotonic() - began < 5.5
        assert "statement timeout" in str(info.value)
        db.session.rollback()


def test_smtp_hanging_frees_the_worker_then_sends(smtp_server, freeze_proxy, build_app):
    handler, port, _, _ = smtp_server
    proxy = freeze_proxy(port)
    app = build_app(SMTP_URL=f"smtp://127.0.0.1:{proxy.port}?tls=none",
                    SMTP_CONNECT_TIMEOUT=1.0, SMTP_TIMEOUT=1.0)
    assert Signup(app.test_client()).json(email="mail@example.com").status_code == 200
    proxy.freeze()
    began = time.monotonic()
    assert pending_mail(app) == (0, 1)
    assert time.monotonic() - began < 3
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage))
        assert message.status == "pending" and "timed out" in message.last_error
    proxy.thaw()
    assert pending_mail(app) == (1, 0)
    assert [m["To"] for m in handler.messages] == ["mail@example.com"]


@pytest.mark.parametrize("how, password, status", [("close", "not the password", 200),
                                                   ("freeze", PASSWORD, 303)])
def test_redis_dying_in_the_middle_of_a_desk_login(redis_url, freeze_proxy, monkeypatch, how,
                                                   password, status, build_app):
    """The limit is checked before the view and charged after it: Redis dies in between."""
    proxy = freeze_proxy(urlsplit(redis_url).port or 6379)
    app = build_app(RATELIMIT_ENABLED=True,
                    RATELIMIT_STORAGE_URI=through(redis_url, proxy.port))
    add_staff(app)
    client = app.test_client()
    token = csrf_token(client)
    check = auth.authenticate

    def authenticate_while_redis_dies(*args):
        getattr(proxy, how)()
        return check(*args)

    monkeypatch.setattr(auth, "authenticate", authenticate_while_redis_dies)
    began = time.monotonic()
    response = client.post("/admin/login", data={"email": STAFF, "password": password,
                                                 "csrf_token": token})
    assert response.status_code == status
    assert time.monotonic() - began < 5


@pytest.mark.parametrize("error", [
    redis.exceptions.ConnectionError("Connection reset by peer"),
    redis.exceptions.TimeoutError("Timeout reading from socket"),
    smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ConnectionResetError(104, "Connection reset by peer"),
    TimeoutError("timed out"),
    PoolTimeout("QueuePool limit of size 5 overflow 10 reached"),
], ids=lambda error: type(error).__name__)
def test_a_dependency_dying_mid_request_is_a_localized_503(sqlite_app, error):
    def dies():
        raise error

    sqlite_app.add_url_rule("/dies", "dies", dies)
    client = sqlite_app.test_client()
    answer = client.get("/dies", headers={"Accept": "application/json"})
    assert answer.status_code == 503
    assert "support@normkraft.se" in answer.get_json()["message"]
    page = client.get("/dies?lang=en")
    assert page.status_code == 503 and b"Something went wrong" in page.data
