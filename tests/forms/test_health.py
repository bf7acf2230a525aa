"""GET /health and GET /csrf."""


def test_health_reports_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "database": "ok", "outbox_pending": 0}
    assert response.headers["Cache-Control"] == "no-store"


def test_csrf_token_is_not_cached_and_sets_a_safe_cookie(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = app.test_client().get("/csrf")
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.get_json()["csrf_token"]) > 20
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
