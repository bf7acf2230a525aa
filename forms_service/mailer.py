"""Build the e-book mail and hand it to SMTP, or to .eml files in development."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template

from .i18n import translate
from .outbox import Undeliverable

log = logging.getLogger(__name__)


def build_ebook_mail(lead, language, link):
    """Return the confirmation mail carrying the download link, in the reader's language."""
    config = current_app.config
    msg = EmailMessage()
    # Only our own settings and the validated address reach the headers;
    # the reader's name stays in the body.
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = smtp_address(lead.email)
    msg["Reply-To"] = config["SUPPORT_EMAIL"]
    msg["Subject"] = translate("Your e-book from Normkraft", language)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2].strip("> "))
    context = {"lead": lead, "link": link, "language": language,
               "support_email": config["SUPPORT_EMAIL"],
               "link_days": config["LINK_MAX_AGE"] // 86400,
               "_": lambda msgid, **kw: translate(msgid, language, **kw)}
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
    timeout = current_app.config["SMTP_TIMEOUT"]
    host = parts.hostname or "localhost"
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout,
                                  context=ssl.create_default_context())
    elif parts.scheme == "smtp":
        client = smtplib.SMTP(host, parts.port or 587, timeout=timeout)
    else:
        raise ValueError(f"FORMS_SMTP_URL: unsupported scheme {parts.scheme!r}")
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
