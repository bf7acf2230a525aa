"""The daily digest: queued by the CLI, sent by the outbox to sales over real SMTP."""

from datetime import timedelta

from desk_helpers import add_booking, add_lead
from forms_helpers import pending_mail
from sqlalchemy import select

from forms_service.db import db
from forms_service.models import OutboxMessage, utcnow

XSS = '<script>alert("x")</script>'


def test_digest_mails_new_leads_and_coming_meetings(app, smtp_server):
    handler, port, _, _ = smtp_server
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}?tls=none",
                      SALES_EMAIL="saljare@normkraft.se")
    add_lead(app, email="ny@example.com", name=f"Ny {XSS}")
    add_lead(app, email="gammal@example.com", name="Gammal",
             created_at=utcnow() - timedelta(days=3))
    add_booking(app, email="mote@example.com", name="Möte Person", company=f"Bolag {XSS}")
    add_booking(app, email="sent@example.com", name="Långt Fram", company="Sen AB",
                starts_at=utcnow() + timedelta(days=30),
                ends_at=utcnow() + timedelta(days=30, hours=1),
                blocked_until=utcnow() + timedelta(days=30, hours=2))
    result = app.test_cli_runner().invoke(args=["digest", "send"])
    assert result.stdout.strip() == "digest queued for saljare@normkraft.se"
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.kind)).all() == ["digest"]
    assert pending_mail(app) == (1, 0)
    (msg,) = handler.messages
    assert msg["To"] == "saljare@normkraft.se"
    assert msg["Subject"] == "Normkraft-sammanfattning: 1 nya leads, 1 möten"
    text = msg.get_body(("plain",)).get_content()
    assert "Ny " + XSS in text and "ny@example.com" in text and "Möte Person" in text
    assert "Gammal" not in text and "Långt Fram" not in text
    html = msg.get_body(("html",)).get_content()
    assert XSS not in html
    assert "Ny &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Bolag &lt;script&gt;" in html


def test_ebook_mail_escapes_the_name(app, signup, smtp_server):
    handler, port, _, _ = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?tls=none"
    signup.json(name=XSS)
    pending_mail(app)
    (msg,) = handler.messages
    html = msg.get_body(("html",)).get_content()
    assert XSS not in html and "&lt;script&gt;" in html


def test_an_empty_digest_says_so(app, smtp_server):
    handler, port, _, _ = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?tls=none"
    app.test_cli_runner().invoke(args=["digest", "send"])
    pending_mail(app)
    (msg,) = handler.messages
    assert msg["Subject"] == "Normkraft-sammanfattning: 0 nya leads, 0 möten"
    assert msg.get_body(("plain",)).get_content().count("- Inga") == 2
