"""Desk login: every route needs it, argon2 hashes, CSRF, rate limit and lockout."""

import re
from datetime import timedelta

import pytest
from desk_helpers import PASSWORD, STAFF, add_staff, csrf_token, log_in, staff_client
from forms_helpers import example_url
from sqlalchemy import select, update

from forms_service.db import db
from forms_service.desk.models import DeskSession, StaffUser
from forms_service.models import utcnow

WRONG = "Fel e-postadress eller lösenord, eller för många försök."
# The app mounted at /forms, as gunicorn serves it (SCRIPT_NAME=/forms).
PREFIXED = "http://localhost/forms/"


def desk_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/admin") and rule.endpoint not in
            {"desk.auth.login", "desk.static"}]


def test_every_desk_route_needs_a_login(sqlite_app):
    client = sqlite_app.test_client()
    rules = desk_rules(sqlite_app)
    assert len(rules) >= 11  # the walk really covers the desk
    for rule in rules:
        url = example_url(rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            page = client.open(url, method=method)
            assert page.status_code == 302, (method, url)
            assert page.location.startswith("/admin/login?next="), (method, url)
            api = client.open(url, method=method, headers={"Accept": "application/json"})
            assert api.status_code == 401, (method, url)
            assert api.get_json() == {"ok": False, "message": "login required"}


def test_password_is_stored_as_argon2(sqlite_app):
    add_staff(sqlite_app)
    with sqlite_app.app_context():
        stored = db.session.scalars(select(StaffUser.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_login_session_and_logout(sqlite_app):
    client = staff_client(sqlite_app)
    page = client.get("/admin/leads")
    assert page.status_code == 200
    assert STAFF in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/leads")
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/leads").status_code == 302


def test_login_goes_back_to_the_page_asked_for(sqlite_app):
    add_staff(sqlite_app)
    client = sqlite_app.test_client()
    assert log_in(client, next="/admin/privacy").location == "/admin/privacy"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/admin/",
                                    "/\\evil.example", "/ebook/thanks"])
def test_login_never_redirects_off_the_desk(sqlite_app, target):
    add_staff(sqlite_app)
    assert log_in(sqlite_app.test_client(), next=target).location == "/admin/"


@pytest.mark.parametrize("email, password", [
    (STAFF, "wrong password here"),
    ("nobody@normkraft.se", PASSWORD),
    (STAFF.upper(), "x"),
])
def test_bad_logins_get_one_message(sqlite_app, email, password):
    add_staff(sqlite_app)
    page = log_in(sqlite_app.test_client(), email=email, password=password)
    assert page.status_code == 200
    assert WRONG in page.get_data(as_text=True)


@pytest.mark.parametrize("field, message", [
    ("email", "Fyll i din e-postadress."),
    ("password", "Ange ditt lösenord."),
])
def test_empty_fields(sqlite_app, field, message):
    add_staff(sqlite_app)
    client = sqlite_app.test_client()
    page = log_in(client, **{field: ""})
    assert page.status_code == 200
    assert f'<p class="desk-error">{message}</p>' in page.get_data(as_text=True)
    assert client.get("/admin/leads").status_code == 302


def test_login_without_csrf_token_is_refused(sqlite_app):
    add_staff(sqlite_app)
    client = sqlite_app.test_client()
    response = client.post("/admin/login", data={"email": STAFF, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/leads").status_code == 302


def test_lockout_after_failed_logins(sqlite_app):
    sqlite_app.config.update(DESK_LOCKOUT_ATTEMPTS=3, DESK_LOCKOUT_MINUTES=15)
    add_staff(sqlite_app)
    client = sqlite_app.test_client()
    for _ in range(3):
        log_in(client, password="not the password")
    # Locked: even the right password is refused, with the same message.
    page = log_in(client)
    assert page.status_code == 200 and WRONG in page.get_data(as_text=True)
    with sqlite_app.app_context():
        user = db.session.scalars(select(StaffUser)).one()
        assert user.locked_until > utcnow() + timedelta(minutes=14)
        db.session.execute(update(StaffUser).values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert log_in(client).status_code == 303


def test_failed_logins_are_rate_limited(build_app):
    app = build_app(RATELIMIT_ENABLED=True, DESK_LOGIN_LIMIT="3/minute",
                    DESK_LOCKOUT_ATTEMPTS=100)
    add_staff(app)
    client = app.test_client()
    codes = [log_in(client, password="nope nope nope").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    page = log_in(client)
    assert page.status_code == 429
    assert "För många försök" in page.get_data(as_text=True)


def test_session_expires(sqlite_app):
    client = staff_client(sqlite_app)
    with sqlite_app.app_context():
        db.session.execute(update(DeskSession).values(
            created_at=utcnow() - timedelta(hours=sqlite_app.config["DESK_SESSION_HOURS"],
                                            seconds=1)))
        db.session.commit()
    assert client.get("/admin/leads").status_code == 302


def test_cli_creates_a_user_who_can_log_in(sqlite_app):
    result = sqlite_app.test_cli_runner().invoke(
        args=["users", "create", "--email", "Sales@Normkraft.se"],
        input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("created sales@normkraft.se")
    assert log_in(sqlite_app.test_client(), email="sales@normkraft.se").status_code == 303


@pytest.mark.parametrize("email, password, message", [
    ("not-an-address", PASSWORD, "users: the e-mail address is not valid"),
    ("new@normkraft.se", "short", "users: the password needs at least 12 characters"),
    (STAFF, PASSWORD, f"users: {STAFF} already exists"),
])
def test_cli_refuses_bad_users(sqlite_app, email, password, message):
    add_staff(sqlite_app)
    result = sqlite_app.test_cli_runner().invoke(
        args=["users", "create", "--email", email, "--password", password])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"Error: {message}"


def test_desk_pages_have_a_strict_content_security_policy(sqlite_app):
    client = staff_client(sqlite_app)
    for path in ("/admin/login", "/admin/leads", "/admin/bookings", "/admin/deliveries",
                 "/admin/privacy"):
        response = client.get(path, follow_redirects=True)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"<style|\sstyle=", html), path
        assert response.headers["X-Frame-Options"] == "DENY"


def test_login_under_the_forms_prefix_goes_back_to_the_page_asked_for(sqlite_app):
    # Production mounts the app at /forms (gunicorn's SCRIPT_NAME): the `next` the gate
    # sends must carry the prefix, or the login refuses it and lands on the lead list.
    add_staff(sqlite_app)
    client = sqlite_app.test_client()
    asked = client.get("/admin/privacy", base_url=PREFIXED)
    assert asked.status_code == 302
    assert asked.location == "/forms/admin/login?next=/forms/admin/privacy"
    html = client.get(unprefixed(asked.location), base_url=PREFIXED).get_data(as_text=True)
    (next_field,) = re.findall(r'name="next"[^>]*value="([^"]*)"', html)
    assert next_field == "/forms/admin/privacy"
    answer = prefixed_log_in(client, next_field)
    assert (answer.status_code, answer.location) == (303, "/forms/admin/privacy")
    assert client.get(unprefixed(answer.location), base_url=PREFIXED).status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/forms/admin/",
                                    "//evil.example/forms/admin/", "/\\evil.example/forms/admin/",
                                    "/admin/privacy", "/forms/ebook/thanks"])
def test_login_under_the_forms_prefix_never_redirects_off_the_desk(sqlite_app, target):
    add_staff(sqlite_app)
    answer = prefixed_log_in(sqlite_app.test_client(), target)
    assert (answer.status_code, answer.location) == (303, "/forms/admin/")


def unprefixed(location):
    """A location the app sent (/forms/...) as the test client's path under PREFIXED."""
    assert location.startswith("/forms/")
    return location[len("/forms"):]


def prefixed_log_in(client, next_target):
    html = client.get("/admin/login", base_url=PREFIXED).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)
    return client.post("/admin/login", base_url=PREFIXED, data={
        "email": STAFF, "password": PASSWORD, "next": next_target, "csrf_token": token})
