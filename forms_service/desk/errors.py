"""Desk errors answer JSON or a desk page, by the Accept header."""

from flask import g, render_template
from flask_babel import gettext

from ..i18n import use_language
from ..responses import json_answer, wants_json

MESSAGES = {
    400: "The form has expired or is incomplete. Please go back and try again.",
    404: "Not found.",
    405: "Not found.",
    429: "Too many attempts. Please wait a while and try again.",
    500: "Something went wrong",
}


def _answer(exc, status):
    if "lang" not in g:
        use_language(None)
    message = gettext(MESSAGES[status])
    if wants_json():
        return json_answer(False, message, status)
    return render_template("desk/message.html", lang=g.lang, title=message,
                           message=message), status


def register(bp):
    """Answer the desk's own errors in the desk's style."""
    for status in MESSAGES:
        bp.register_error_handler(status, lambda exc, status=status: _answer(exc, status))
