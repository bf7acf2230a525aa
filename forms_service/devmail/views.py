"""The list of development mail and one mail, rendered."""

import re

from flask import abort, current_app, render_template
from markupsafe import Markup, escape

from ..i18n import current_language
from . import bp
from .mailbox import folder_of, list_mails, read_mail

URL = re.compile(r"https?://[^\s<>\"']+")
# The HTML part is shown in a sandboxed frame; links open in the whole window.
BASE_TARGET = '<base target="_top">'


def linked(text):
    """Plain text with its web addresses made into links (everything else escaped)."""
    parts, last = [], 0
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:!?)")
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        last = match.start() + len(url)
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _frame_document(html):
    """The HTML part with a <base> so its links leave the frame."""
    head = re.search(r"<head[^>]*>", html, re.IGNORECASE)
    if head:
        return html[:head.end()] + BASE_TARGET + html[head.end():]
    return BASE_TARGET + html


@bp.get("/")
def index():
    folder = folder_of(current_app.instance_path)
    return render_template("devmail/list.html", mails=list_mails(folder), folder=folder,
                           lang=current_language())


@bp.get("/<name>")
def show(name):
    mail = read_mail(folder_of(current_app.instance_path), name)
    if mail is None:
        abort(404)
    frame = _frame_document(mail.html) if mail.html else None
    return render_template("devmail/message.html", mail=mail, frame=frame,
                           text=linked(mail.text) if mail.text else None,
                           lang=current_language())
