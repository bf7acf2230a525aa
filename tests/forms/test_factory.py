"""create_app: embedded defaults without any environment, FORMS_* variables, migrations.

Each variable on its own and the README's table: test_config.py."""

import sqlite3

import pytest
import sqlalchemy
from forms_helpers import Signup, pending_mail
from sqlalchemy import inspect

from forms_service import create_app
from forms_service import db as database
from forms_service.config import database_url, from_environment
from forms_service.db import db


@pytest.fixture
def no_env(monkeypatch, tmp_path, ebook_source):
    # tests/conftest.py has cleared every FORMS_* variable; test_config.py covers each one.
    monkeypatch.setenv("FORMS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FORMS_EBOOK_SOURCE_DIR", str(ebook_source))
    monkeypatch.setenv("FORMS_OUTBOX_THREAD", "false")
    monkeypatch.setenv("FORMS_SITE_URL", "http://localhost")
    return tmp_path / "instance"


def test_defaults_need_no_environment(no_env, closing):
    app = closing(create_app())
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{no_env / 'forms.sqlite3'}"
    key = (no_env / "secret_key").read_text()
    assert app.config["SECRET_KEY"] == key and len(key) > 40
    assert (no_env / "secret_key").stat().st_mode & 0o077 == 0
    assert app.config["SESSION_COOKIE_SECURE"] is False  # local development
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert (no_env / "ebook" / "sv.pdf").is_file() and (no_env / "ebook" / "en.pdf").is_file()
    with app.app_context():
        assert {"leads", "consents", "outbox", "alembic_version"} <= set(
            inspect(db.engine).get_table_names())
    mode = sqlite3.connect(no_env / "forms.sqlite3").execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)
    Signup(app.test_client()).json(email="dev@example.com")
    assert pending_mail(app) == (1, 0)
    (eml,) = (no_env / "mail").glob("*.eml")
    assert "To: dev@example.com" in eml.read_text()
    again = closing(create_app())
    assert again.config["SECRET_KEY"] == key  # generated once, kept


def test_environment_variables(monkeypatch):
    monkeypatch.setenv("FORMS_DATABASE_URL", "postgresql://u@db/forms")
    monkeypatch.setenv("FORMS_SMTP_URL", "smtp://u:p@mail:587")
    monkeypatch.setenv("FORMS_SITE_URL", "https://normkraft.se/")
    monkeypatch.setenv("FORMS_RATELIMIT_STORAGE_URL", "redis://cache:6379/0")
    monkeypatch.setenv("FORMS_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("FORMS_SUPPORT_EMAIL", "help@normkraft.se")
    settings = from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/forms"
    assert settings["SITE_URL"] == "https://normkraft.se"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["RATELIMIT_ENABLED"] is False
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert settings["SUPPORT_EMAIL"] == "help@normkraft.se"
    # Production: migrations and the worker are separate commands.
    assert settings["AUTO_MIGRATE"] is False and settings["OUTBOX_THREAD"] is False


@pytest.mark.parametrize("url, expected", [
    ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
    ("sqlite:///x.db", "sqlite:///x.db"),
    (None, None),
])
def test_database_url(url, expected):
    assert database_url(url) == expected


def test_only_postgresql_connections_are_pinged_before_use(app):
    # The ping replaces connections a PostgreSQL restart cut; a SQLite file has nothing to lose.
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        assert len(db.engine.pool.dispatch.checkout) == (1 if postgres else 0)


def _cut_connections(app):
    """Terminate every other session on the app's PostgreSQL database, as a restart does."""
    engine = sqlalchemy.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.begin() as conn:
            return conn.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_an_idle_connection_cut_by_postgresql_is_replaced_before_use(pg_app, monkeypatch):
    app = pg_app
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # every connection is idle
    with app.app_context():
        db.session.execute(sqlalchemy.text("SELECT 1"))
        db.session.remove()
        assert _cut_connections(app) >= 1
        assert db.session.execute(sqlalchemy.text("SELECT 1")).scalar() == 1
        db.session.remove()


@pytest.mark.postgres
def test_a_signup_on_a_connection_cut_moments_ago_is_stored(pg_app):
    # Busy connections are not pinged: the signup's write goes once more on a fresh one.
    app, signup = pg_app, Signup(pg_app.test_client())
    assert signup.json(email="before@example.com").status_code == 200
    assert _cut_connections(app) >= 1
    response = signup.json(email="after@example.com")
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        stored = db.session.execute(sqlalchemy.text("SELECT email FROM leads")).scalars().all()
        mails = db.session.execute(sqlalchemy.text("SELECT count(*) FROM outbox")).scalar()
        db.session.remove()
    assert sorted(stored) == ["after@example.com", "before@example.com"]
    assert mails == 2


def test_support_address_is_configurable(app, signup):
    app.config["SUPPORT_EMAIL"] = "hjalp@normkraft.se"
    response = signup.json(with_token=False, headers={"Origin": "https://elsewhere.example"})
    assert response.get_json()["message"] == (
        "Oj! Något gick fel. Hör av dig till hjalp@normkraft.se")


def test_cli_runs_the_outbox_once(app, signup):
    signup.json()
    app.config["SERVER_NAME"] = None
    result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exception is None, result.exception
    assert result.stdout.strip() == "sent 1, failed 0"
