"""Build the e-book mail and hand it to SMTP, or to .eml files in development."""

import logging
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from flask_babel import gettext

from .i18n import language_of
from .outbox import Undeliverable

log = logging.getLogger(__name__)


# RFC 3834: mail sent by a program, so vacation responders and the like do not answer it.
AUTO_SUBMITTED = "auto-generated"


def new_mail(to, subject, reply_to):
    """A message with our envelope headers: From, To, Reply-To, Subject, Date, Message-ID.

    Only our own settings and validated addresses may reach the headers; names and other
    text the visitor typed stay in the body.
    """
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = smtp_address(to)
    msg["Reply-To"] = smtp_address(reply_to)
    msg["Subject"] = subject
    # An aware UTC time gives "+0000"; formatdate(localtime=False) wrote "-0000", which
    # RFC 5322 reserves for "the local zone is unknown".
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2].strip("> "))
    msg["Auto-Submitted"] = AUTO_SUBMITTED
    return msg


def build_ebook_mail(lead, language, link):
    """Return the confirmation mail carrying the download link, in the reader's language."""
    config = current_app.config
    with language_of(language):
        msg = new_mail(lead.email, gettext("Your e-book from Normkraft"), config["SUPPORT_EMAIL"])
        context = {"lead": lead, "link": link, "language": language,
                   "support_email": config["SUPPORT_EMAIL"],
                   "link_days": config["LINK_MAX_AGE"] // 86400}
        msg.set_content(render_template("ebook/mail.txt", **context))
        msg.add_alternative(render_template("ebook/mail.html", **context), subtype="html")
    return msg


def smtp_address(address):
    """Return address with its domain in ASCII (IDNA, "xn--..."), as SMTP and headers need it.

    A non-ASCII local part (björn@...) stays as it is: only SMTPUTF8 can carry it.
    """
    try:
        parts = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return address  # checked when it was stored; the SMTP server has the last word
    return f"{parts.local_part}@{parts.ascii_domain}"


def send(msg):
    """Deliver msg through FORMS_SMTP_URL, or write it to instance/mail/ when unset."""
    if "Auto-Submitted" not in msg:  # every mail the service sends is a program's
        msg["Auto-Submitted"] = AUTO_SUBMITTED
    url = current_app.config["SMTP_URL"]
    if url:
        _send_smtp(url, msg)
    else:
        _write_eml(msg)


def _write_eml(msg):
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    name = msg["Message-ID"].strip("<>").replace("@", "_").replace("/", "_") + ".eml"
    path = folder / name
    path.write_bytes(bytes(msg))
    log.info("forms mail: wrote %s to %s (subject %r)", path, msg["To"], msg["Subject"])


def _send_smtp(url, msg):
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    config = current_app.config
    host = parts.hostname or "localhost"
    # The connect timeout covers the TCP handshake and the greeting; every later command
    # gets SMTP_TIMEOUT. A server that accepts and never answers frees the worker then.
    connect = config["SMTP_CONNECT_TIMEOUT"]
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, parts.port or 465, timeout=connect,
                                  context=ssl.create_default_context())
    elif parts.scheme == "smtp":
        client = smtplib.SMTP(host, parts.port or 587, timeout=connect)
    else:
        raise ValueError(f"FORMS_SMTP_URL: unsupported scheme {parts.scheme!r}")
    client.timeout = config["SMTP_TIMEOUT"]
    client.sock.settimeout(client.timeout)
    with client:
        # STARTTLS is required on smtp:// unless explicitly turned off (?tls=none),
        # which is only meant for a local test server.
        if parts.scheme == "smtp" and options.get("tls") != "none":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        try:
            client.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            # Every recipient refused for good (5xx): sending again cannot help.
            if all(500 <= code < 600 for code, _ in exc.recipients.values()):
                raise Undeliverable(f"recipients refused: {exc.recipients}") from exc
            raise
        except smtplib.SMTPNotSupportedError as exc:
            # A non-ASCII local part, and a server without SMTPUTF8: that will not change.
            raise Undeliverable(str(exc)) from exc
