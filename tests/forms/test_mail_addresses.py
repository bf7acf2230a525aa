"""Addresses outside ASCII reach SMTP with their domain in IDNA; refusals end the message."""

from email import message_from_bytes, policy

import pytest
from booking_helpers import Visitor
from forms_helpers import pending_mail
from sqlalchemy import select

from forms_service.db import db
from forms_service.mailer import smtp_address
from forms_service.models import OutboxMessage

ANNA = "anna@exempel-åäö.se"
ANNA_ASCII = "anna@xn--exempel--7zaj2q.se"
BJORN = "björn@bücher.de"  # a non-ASCII local part: only SMTPUTF8 carries it
BJORN_SMTP = "björn@xn--bcher-kva.de"


class Envelopes:
    """aiosmtpd handler keeping each envelope; refuses the recipients in refuse {address: reply}."""

    def __init__(self, refuse=None):
        self.refuse = refuse or {}
        self.received = []  # (RCPT TO addresses, MAIL FROM options, message)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), list(envelope.mail_options), message))
        return "250 OK"


@pytest.fixture
def mail_server(smtp_servers):
    """start(app, smtputf8=..., refuse=...) runs a real SMTP server and points app at it."""

    def start(app, smtputf8=False, refuse=None):
        handler = Envelopes(refuse)
        port = smtp_servers.start(handler, enable_SMTPUTF8=smtputf8)
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}?tls=none"
        return handler

    return start


def outbox(app):
    with app.app_context():
        return [(m.status, m.attempts, m.last_error or "")
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


@pytest.mark.parametrize("address, sent", [
    (ANNA, ANNA_ASCII),
    ("ANNA@Exempel-ÅÄÖ.SE", "ANNA@xn--exempel--7zaj2q.se"),
    (BJORN, BJORN_SMTP),
    ("asa@example.com", "asa@example.com"),
    ("asa@xn--exempel--7zaj2q.se", "asa@xn--exempel--7zaj2q.se"),
    ("not an address", "not an address"),  # left to the SMTP server to refuse
])
def test_smtp_address(address, sent):
    assert smtp_address(address) == sent


def test_ebook_mail_to_an_international_domain_needs_no_smtputf8(app, signup, mail_server):
    server = mail_server(app, smtputf8=False)  # as many servers still are
    assert signup.json(email=ANNA).status_code == 200
    assert pending_mail(app) == (1, 0)
    ((recipients, options, msg),) = server.received
    assert recipients == [ANNA_ASCII]
    assert "SMTPUTF8" not in options
    assert msg["To"] == ANNA_ASCII


def stored_before(app, email):
    """A lead and its e-book mail as stored before the form refused non-ASCII local parts."""
    from desk_helpers import add_lead

    lead_id = add_lead(app, email=email)
    with app.app_context():
        db.session.add(OutboxMessage(lead_id=lead_id, kind="ebook", language="sv"))
        db.session.commit()


def test_a_non_ascii_local_part_goes_with_smtputf8(app, mail_server):
    # The form now refuses such addresses (test_pipeline.py); rows stored before still go.
    server = mail_server(app, smtputf8=True)
    stored_before(app, BJORN)
    assert pending_mail(app) == (1, 0)
    ((recipients, options, msg),) = server.received
    assert recipients == [BJORN_SMTP]
    assert "SMTPUTF8" in options
    assert msg["To"] == BJORN_SMTP


def test_a_non_ascii_local_part_without_smtputf8_fails_at_once(app, mail_server):
    server = mail_server(app, smtputf8=False)
    stored_before(app, BJORN)
    assert pending_mail(app) == (0, 1)
    ((status, attempts, error),) = outbox(app)
    assert (status, attempts) == ("failed", 1)
    assert "SMTPUTF8" in error
    assert pending_mail(app) == (0, 0) and server.received == []


def test_a_recipient_refused_for_good_fails_at_once(app, signup, mail_server):
    server = mail_server(app, refuse={"nobody@example.com": "550 5.1.1 No such user"})
    signup.json(email="nobody@example.com")
    assert pending_mail(app) == (0, 1)
    ((status, attempts, error),) = outbox(app)
    assert (status, attempts) == ("failed", 1)
    assert "550" in error and "No such user" in error
    assert pending_mail(app) == (0, 0) and server.received == []


def test_a_recipient_refused_for_now_is_retried_then_ends_failed(app, signup, mail_server):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    server = mail_server(app, refuse={"busy@example.com": "450 4.2.1 Try again later"})
    signup.json(email="busy@example.com")
    for attempt in (1, 2):
        assert pending_mail(app) == (0, 1)
        assert [row[:2] for row in outbox(app)] == [("pending", attempt)]
    assert pending_mail(app) == (0, 1)
    assert [row[:2] for row in outbox(app)] == [("failed", 3)]
    # Given up: never claimed again.
    assert pending_mail(app) == (0, 0) and pending_mail(app) == (0, 0)
    assert [row[:2] for row in outbox(app)] == [("failed", 3)] and server.received == []


def test_booking_mails_use_the_ascii_domain(bapp, mail_server):
    server = mail_server(bapp, smtputf8=False)
    assert Visitor(bapp.test_client()).book(email=ANNA).status_code == 200
    assert pending_mail(bapp) == (2, 0)
    by_recipient = {recipients[0]: msg for recipients, _, msg in server.received}
    assert sorted(by_recipient) == [ANNA_ASCII, "sales@normkraft.se"]
    assert by_recipient[ANNA_ASCII]["To"] == ANNA_ASCII
    assert by_recipient["sales@normkraft.se"]["Reply-To"] == ANNA_ASCII
    assert all("SMTPUTF8" not in options for _, options, _ in server.received)
