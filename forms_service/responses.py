"""Answers in JSON or HTML, chosen by the Accept header, in the reader's language."""

from flask import current_app, jsonify, render_template, request

from .i18n import current_language, translate


def wants_json():
    """True when the client prefers JSON (our fetch sends Accept: application/json)."""
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def success_message():
    return translate("Thank you! You will soon get an e-mail from us!")


def failure_message():
    return translate("Oops! Something went wrong. Get in touch with %(email)s",
                     email=current_app.config["SUPPORT_EMAIL"])


def json_answer(ok, message, status, errors=None):
    response = jsonify({"ok": ok, "message": message, "errors": errors or {}})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def failure(status):
    """The localized 'something went wrong' answer, as JSON or as a page."""
    if wants_json():
        return json_answer(False, failure_message(), status)
    html = render_template("ebook/message.html", lang=current_language(),
                           title=translate("Something went wrong"),
                           message=failure_message())
    return html, status, {"Cache-Control": "no-store"}
