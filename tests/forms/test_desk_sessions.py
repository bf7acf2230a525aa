"""Desk sessions live on the server: a saved cookie opens nothing once the session ended."""

from datetime import timedelta

import pytest
from desk_helpers import PASSWORD, STAFF, add_staff, csrf_token, log_in, staff_client
from sqlalchemy import func, select

from forms_service.db import db
from forms_service.desk import sessions
from forms_service.desk.models import DeskSession
from forms_service.models import utcnow

NEW_PASSWORD = "a brand new passphrase"


def saved_cookie(client):
    """The session cookie as the browser holds it now (what a thief would copy)."""
    return client.get_cookie("forms_session").value


def replay(app, cookie, path="/admin/leads"):
    """A fresh client presenting a copied cookie."""
    thief = app.test_client()
    thief.set_cookie("forms_session", cookie)
    return thief.get(path)


def assert_login_page(response):
    assert response.status_code == 302
    assert response.location.startswith("/admin/login?next=")


def test_a_saved_cookie_stops_working_at_logout(app):
    client = staff_client(app)
    cookie = saved_cookie(client)
    assert replay(app, cookie).status_code == 200
    assert replay(app, cookie, "/admin/export/leads.csv").status_code == 200
    token = csrf_token(client, "/admin/leads")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert_login_page(replay(app, cookie))
    assert_login_page(replay(app, cookie, "/admin/export/leads.csv"))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeskSession)) == 0


def test_a_new_password_ends_every_session(app):
    client = staff_client(app)
    other = app.test_client()
    assert log_in(other).status_code == 303  # a second browser
    cookies = [saved_cookie(client), saved_cookie(other)]
    result = app.test_cli_runner().invoke(
        args=["users", "password", STAFF.upper(), "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"new password for {STAFF}; 2 session(s) ended"
    for cookie in cookies:
        assert_login_page(replay(app, cookie))
    assert log_in(app.test_client()).status_code == 200  # the old password is refused
    assert log_in(app.test_client(), password=NEW_PASSWORD).status_code == 303


def test_users_disable_ends_sessions_and_refuses_logins(app):
    client = staff_client(app)
    cookie = saved_cookie(client)
    result = app.test_cli_runner().invoke(args=["users", "disable", STAFF])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"disabled {STAFF}; 1 session(s) ended"
    assert_login_page(replay(app, cookie, "/admin/export/leads.csv"))
    page = log_in(app.test_client())
    assert page.status_code == 200
    assert "Fel e-postadress eller lösenord" in page.get_data(as_text=True)


def test_users_logout_all_keeps_the_user(sqlite_app):
    client = staff_client(sqlite_app)
    cookie = saved_cookie(client)
    result = sqlite_app.test_cli_runner().invoke(args=["users", "logout-all", STAFF])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"1 session(s) of {STAFF} ended"
    assert_login_page(replay(sqlite_app, cookie))
    assert log_in(sqlite_app.test_client()).status_code == 303


@pytest.mark.parametrize("command", ["disable", "logout-all", "password"])
def test_user_commands_name_an_unknown_user(sqlite_app, command):
    args = ["users", command, "nobody@normkraft.se"]
    result = sqlite_app.test_cli_runner().invoke(
        args=args + (["--password", NEW_PASSWORD] if command == "password" else []))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: users: no staff user nobody@normkraft.se"


class Clock:
    """The sessions module's clock, moved by the test instead of waiting."""

    def __init__(self, monkeypatch):
        self.now = utcnow()
        monkeypatch.setattr(sessions, "utcnow", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)


def test_idle_timeout(sqlite_app, monkeypatch):
    sqlite_app.config["DESK_IDLE_MINUTES"] = 30
    clock = Clock(monkeypatch)
    client = staff_client(sqlite_app)
    # Each visit within 30 minutes of the last one keeps the session alive, for hours.
    for _ in range(6):
        clock.advance(minutes=29)
        assert client.get("/admin/leads").status_code == 200
    clock.advance(minutes=31)
    assert_login_page(client.get("/admin/leads"))


def test_absolute_timeout(sqlite_app, monkeypatch):
    sqlite_app.config.update(DESK_IDLE_MINUTES=30, DESK_SESSION_HOURS=8)
    clock = Clock(monkeypatch)
    client = staff_client(sqlite_app)
    for _ in range(16):  # active all day: 8 hours in steps of 30 minutes
        clock.advance(minutes=30)
        assert client.get("/admin/leads").status_code == 200
    clock.advance(minutes=1)
    assert_login_page(client.get("/admin/leads"))
    assert log_in(client).status_code == 303  # a new login starts a new day


def test_the_cookie_holds_no_user_id_only_a_token(sqlite_app):
    add_staff(sqlite_app)
    client = sqlite_app.test_client()
    assert log_in(client, password=PASSWORD).status_code == 303
    with client.session_transaction() as session:
        assert set(session) <= {"desk_session", "desk_lang", "csrf_token"}
        token = session["desk_session"]
    with sqlite_app.app_context():
        (row,) = db.session.scalars(select(DeskSession)).all()
        assert row.id != token and len(row.id) == 64  # only the hash is stored
