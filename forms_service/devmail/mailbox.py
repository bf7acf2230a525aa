"""Read the .eml files the mailer writes in development (forms_service/mailer.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path

# The mailer names files after the Message-ID: letters, digits, dots, dashes, underscores.
SAFE_NAME = re.compile(r"^[\w.+-]+\.eml$")


@dataclass
class Mail:
    name: str
    subject: str
    sender: str
    to: str
    date: str
    text: str | None = None
    html: str | None = None
    attachments: list[str] = field(default_factory=list)


def folder_of(instance_path: str | Path) -> Path:
    return Path(instance_path) / "mail"


def list_mails(folder: Path) -> list[Mail]:
    """Every mail in `folder`, newest first (headers only)."""
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    return [_read(path, body=False) for path in files]


def read_mail(folder: Path, name: str) -> Mail | None:
    """The mail called `name` with its decoded text and HTML parts, or None."""
    if not SAFE_NAME.match(name):
        return None
    path = folder / name
    return _read(path, body=True) if path.is_file() else None


def _read(path: Path, body: bool) -> Mail:
    # policy.default decodes quoted-printable and base64 and the encoded-word headers,
    # so a link comes out whole (the raw file breaks long lines with a trailing "=").
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    mail = Mail(
        name=path.name,
        subject=str(message.get("Subject", "")),
        sender=str(message.get("From", "")),
        to=str(message.get("To", "")),
        date=_date(message.get("Date")),
    )
    if body:
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        mail.text = text.get_content() if text is not None else None
        mail.html = html.get_content() if html is not None else None
        mail.attachments = [
            part.get_filename() or part.get_content_type() for part in message.iter_attachments()
        ]
    return mail


def _date(value) -> str:
    if not value:
        return ""
    try:
        return parsedate_to_datetime(str(value)).strftime("%Y-%m-%d %H:%M:%S %z").strip()
    except (TypeError, ValueError):  # a malformed header is still worth showing as it is
        return str(value)
