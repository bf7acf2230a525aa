"""The database fails during a booking: a localized 503 and nothing half-written."""

import pytest
from booking_helpers import Visitor, booking_app, bookings
from site_helpers import free_port
from sqlalchemy import text

from forms_service.db import db

FAIL = {"sv": "Oj! Något gick fel. Hör av dig till support@normkraft.se",
        "en": "Oops! Something went wrong. Get in touch with support@normkraft.se"}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_database_unreachable_is_a_localized_503(tmp_path, ebook_source, lang):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    app = booking_app(tmp_path, ebook_source, SQLALCHEMY_DATABASE_URI=url, AUTO_MIGRATE=False)
    client = app.test_client()
    answer = Visitor(client).book(lang=lang)
    assert answer.status_code == 503
    assert answer.get_json() == {"ok": False, "message": FAIL[lang], "errors": {}}
    slots = client.get(f"/booking/slots?lang={lang}", headers={"Accept": "application/json"})
    assert slots.status_code == 503 and slots.get_json()["message"] == FAIL[lang]
    page = client.get(f"/booking?lang={lang}")
    assert page.status_code == 503 and FAIL[lang] in page.get_data(as_text=True)


def test_a_failure_inside_the_transaction_leaves_no_booking(bapp):
    with bapp.app_context():
        db.session.execute(text("ALTER TABLE outbox RENAME TO outbox_gone"))
        db.session.commit()
    answer = Visitor(bapp.test_client()).book(lang="en")
    assert answer.status_code == 503
    assert answer.get_json()["message"] == FAIL["en"]
    assert bookings(bapp) == []
