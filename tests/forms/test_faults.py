"""The database fails: a localized 503 and nothing half-written."""

from forms_helpers import Signup, make_app
from site_helpers import free_port
from sqlalchemy import func, select, text

from forms_service.db import db
from forms_service.models import Lead

FAIL_SV = "Oj! Något gick fel. Hör av dig till support@normkraft.se"
FAIL_EN = "Oops! Something went wrong. Get in touch with support@normkraft.se"


def cascade(app):
    # Other tables (the desk's webhook deliveries) point at the outbox; PostgreSQL needs this.
    return " CASCADE" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else ""


def test_database_unreachable_is_503(tmp_path, ebook_source):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    app = make_app(tmp_path, ebook_source, SQLALCHEMY_DATABASE_URI=url, AUTO_MIGRATE=False)
    signup = Signup(app.test_client())
    response = signup.json(lang="en")
    assert response.status_code == 503
    assert response.get_json() == {"ok": False, "message": FAIL_EN, "errors": {}}
    page = signup.client.post("/ebook", data={"lang": "sv"}, headers={"Origin": "http://localhost"})
    assert page.status_code == 200  # no token yet: the confirmation page needs no database
    health = signup.client.get("/health")
    assert health.status_code == 503 and health.get_json()["ok"] is False


def test_failure_inside_the_transaction_leaves_no_lead(app, signup):
    with app.app_context():
        db.session.execute(text(f"DROP TABLE outbox{cascade(app)}"))
        db.session.commit()
    response = signup.json()
    assert response.status_code == 503
    assert response.get_json()["message"] == FAIL_SV
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 0


def test_html_path_gets_a_localized_503_page(app, client):
    with app.app_context():
        db.session.execute(text(f"DROP TABLE outbox{cascade(app)}"))
        db.session.commit()
    token = client.get("/csrf").get_json()["csrf_token"]
    app.config["MIN_FILL_SECONDS"] = 0
    from forms_service.tokens import start_stamp

    with app.test_request_context():
        stamp = start_stamp()
    response = client.post("/ebook", data={
        "name": "Bo", "email": "bo@example.com", "consent": "y", "lang": "en",
        "csrf_token": token, "ts": stamp}, headers={"Origin": "http://localhost"})
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html and FAIL_EN in html
