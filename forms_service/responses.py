"""Answers in JSON or HTML, chosen by the Accept header, in the reader's language."""

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext

from .i18n import current_language


def wants_json():
    """True when the client prefers JSON (our fetch sends Accept: application/json)."""
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def success_message():
    return gettext("Thank you! You will soon get an e-mail from us!")


def failure_message():
    return gettext("Oops! Something went wrong. Get in touch with %(email)s",
                   email=current_app.config["SUPPORT_EMAIL"])


def json_answer(ok, message, status, errors=None, **extra):
    response = jsonify({"ok": ok, "message": message, "errors": errors or {}, **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def message_answer(title, message, status, errors=None):
    """A refusal or a notice as JSON ({"ok": false, ...}) or as a page in the reader's language."""
    if wants_json():
        return json_answer(False, message, status, errors)
    html = render_template("message.html", lang=current_language(), title=title,
                           message=message)
    return html, status, {"Cache-Control": "no-store"}


def thank_you_page(message):
    """The "Thank you!" page after a plain HTML form, in the language the view chose."""
    return render_template("message.html", lang=current_language(),
                           title=gettext("Thank you!"), message=message)


def failure(status):
    """The localized 'something went wrong' answer, as JSON or as a page."""
    return message_answer(gettext("Something went wrong"), failure_message(), status)
