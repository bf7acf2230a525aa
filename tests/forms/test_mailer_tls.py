"""SMTP with STARTTLS and AUTH, as in production: a real aiosmtpd server that requires both.

smtps:// (implicit TLS, port 465) is tested against the same kind of server.

The server's certificate is self-signed, made here with openssl; the mailer's
ssl.create_default_context() trusts it through SSL_CERT_FILE, which OpenSSL
reads each time a context loads its default certificates.
"""

import smtplib
import ssl
import subprocess
from email.message import EmailMessage

import pytest
from forms_helpers import Signup, SMTPCollector, pending_mail
from sqlalchemy import select

from forms_service.db import db
from forms_service.mailer import send
from forms_service.models import OutboxMessage

USER = "normkraft"
PASSWORD = "s3cret-pass"


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 and localhost, and its key; their paths."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


def authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = auth_data == LoginPassword(USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class SessionCollector(SMTPCollector):
    """Keeps each message and, beside it, the TLS protocol and login of its session."""

    def __init__(self):
        super().__init__()
        self.sessions = []

    async def handle_DATA(self, server, session, envelope):
        # The transport, not session.ssl: aiosmtpd sets that only after STARTTLS.
        ssl_object = server.transport.get_extra_info("ssl_object")
        protocol = ssl_object.version() if ssl_object else None
        login = session.auth_data.login.decode() if session.authenticated else None
        self.sessions.append((protocol, login))
        return await super().handle_DATA(server, session, envelope)


def trusted_server_context(folder, monkeypatch):
    """The server's TLS context, with a certificate the mailer trusts (SSL_CERT_FILE)."""
    cert, key = self_signed_certificate(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return context


@pytest.fixture
def tls_smtp(tmp_path, monkeypatch, smtp_servers):
    """A server that refuses everything before STARTTLS and AUTH; (handler, port)."""
    context = trusted_server_context(tmp_path, monkeypatch)
    handler = SessionCollector()
    port = smtp_servers.start(handler, tls_context=context, require_starttls=True,
                              authenticator=authenticator, auth_required=True,
                              auth_require_tls=True)
    return handler, port


@pytest.fixture
def implicit_tls_smtp(tmp_path, monkeypatch, smtp_servers):
    """A server speaking TLS from the first byte (smtps://) and requiring AUTH.

    aiosmtpd 1.4 counts only STARTTLS as TLS, so AUTH has to be allowed
    "without TLS" here (auth_require_tls=False), which it warns about: tests
    using this fixture ignore that warning. Nothing reaches it unencrypted anyway.
    """
    context = trusted_server_context(tmp_path, monkeypatch)
    handler = SessionCollector()
    port = smtp_servers.start(handler, ssl_context=context, authenticator=authenticator,
                              auth_required=True, auth_require_tls=False)
    return handler, port


def smtp_url(port, password=PASSWORD, scheme="smtp"):
    return f"{scheme}://{USER}:{password}@127.0.0.1:{port}"


def a_message():
    msg = EmailMessage()
    msg["From"] = "info@normkraft.se"
    msg["To"] = "anna@example.com"
    msg["Subject"] = "Test"
    msg.set_content("Hello")
    return msg


def outbox_row(app):
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        return row.status, row.attempts, row.last_error


def assert_ebook_mail_goes_out_over_tls(app, handler, url):
    """A signup's mail reaches the server over TLS, logged in as USER, and is marked sent."""
    app.config["SMTP_URL"] = url
    Signup(app.test_client()).json(lang="en", email="reader@example.com")
    assert pending_mail(app) == (1, 0)
    (msg,) = handler.messages
    assert msg["To"] == "reader@example.com"
    assert msg["Subject"] == "Your e-book from Normkraft"
    ((protocol, login),) = handler.sessions
    assert protocol in ("TLSv1.2", "TLSv1.3")
    assert login == USER
    assert outbox_row(app)[:2] == ("sent", 1)


def test_ebook_mail_goes_out_over_starttls_as_the_configured_user(sqlite_app, tls_smtp):
    handler, port = tls_smtp
    assert_ebook_mail_goes_out_over_tls(sqlite_app, handler, smtp_url(port))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_ebook_mail_goes_out_over_implicit_tls_as_the_configured_user(sqlite_app,
                                                                      implicit_tls_smtp):
    handler, port = implicit_tls_smtp
    assert_ebook_mail_goes_out_over_tls(sqlite_app, handler, smtp_url(port, scheme="smtps"))


def test_wrong_password_raises_authentication_error(sqlite_app, tls_smtp):
    handler, port = tls_smtp
    sqlite_app.config["SMTP_URL"] = smtp_url(port, password="wrong")
    with sqlite_app.app_context(), pytest.raises(smtplib.SMTPAuthenticationError):
        send(a_message())
    assert handler.messages == []


def test_wrong_password_keeps_the_mail_pending_until_it_is_fixed(sqlite_app, tls_smtp):
    handler, port = tls_smtp
    sqlite_app.config["SMTP_URL"] = smtp_url(port, password="wrong")
    Signup(sqlite_app.test_client()).json(email="kept@example.com")
    assert pending_mail(sqlite_app) == (0, 1)
    status, attempts, error = outbox_row(sqlite_app)
    assert (status, attempts) == ("pending", 1)
    assert error.startswith("SMTPAuthenticationError")
    assert handler.messages == []
    sqlite_app.config["SMTP_URL"] = smtp_url(port)
    assert pending_mail(sqlite_app) == (1, 0)
    assert [m["To"] for m in handler.messages] == ["kept@example.com"]
    assert outbox_row(sqlite_app) == ("sent", 2, None)


def test_untrusted_certificate_is_refused(sqlite_app, tls_smtp, monkeypatch):
    handler, port = tls_smtp
    # Back to the system's CAs, none of which signed the test certificate.
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    sqlite_app.config["SMTP_URL"] = smtp_url(port)
    with sqlite_app.app_context(), pytest.raises(ssl.SSLCertVerificationError):
        send(a_message())
    assert handler.messages == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_untrusted_certificate_is_refused_over_implicit_tls(sqlite_app, implicit_tls_smtp,
                                                            monkeypatch):
    handler, port = implicit_tls_smtp
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    sqlite_app.config["SMTP_URL"] = smtp_url(port, scheme="smtps")
    with sqlite_app.app_context(), pytest.raises(ssl.SSLCertVerificationError):
        send(a_message())
    assert handler.messages == []


def test_server_without_starttls_gets_no_clear_text_mail(sqlite_app, smtp_server):
    handler, port, _, _ = smtp_server
    # No credentials: without STARTTLS nothing else would stop the mail going out in clear.
    sqlite_app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    with sqlite_app.app_context(), pytest.raises(smtplib.SMTPNotSupportedError, match="STARTTLS"):
        send(a_message())
    assert handler.messages == []
