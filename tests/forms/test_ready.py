"""GET /ready: the database decides; an unreachable SMTP server is only a warning."""

from site_helpers import free_port


def test_ready_with_database_and_smtp(app, smtp_server):
    _, port, _, _ = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?tls=none"
    response = app.test_client().get("/ready")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "database": "ok", "smtp": "ok",
                                   "outbox_pending": 0}
    assert response.headers["Cache-Control"] == "no-store"


def test_smtp_down_is_a_warning_not_a_failure(app, smtp_server):
    _, port, _, stop = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?tls=none"
    stop()
    response = app.test_client().get("/ready")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["ok"], body["database"], body["smtp"]) == (True, "ok", "unreachable")
    assert body["warning"].startswith("SMTP unreachable (ConnectionRefusedError")
    assert body["warning"].endswith("mail waits in the outbox")


def test_mail_to_files_needs_no_smtp(sqlite_app):
    body = sqlite_app.test_client().get("/ready").get_json()
    assert (body["smtp"], "warning" in body) == ("files", False)


def test_database_down_is_503(build_app):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    app = build_app(SQLALCHEMY_DATABASE_URI=url, AUTO_MIGRATE=False)
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    assert response.get_json() == {"ok": False, "database": "unavailable"}
