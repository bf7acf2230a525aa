"""One way through a public form: every POST view of the e-book and booking uses it.

same origin -> CSRF -> input checks -> bot signals -> validation -> act -> answer

A view describes its form with a PublicForm; handle() runs the steps in that order and
calls the form's own functions only where the answer differs: the page drawn again with
the reader's values (HTML), what to do with a valid submission, and, for a form posted
from the static site without a CSRF token, the page that asks to confirm it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from . import bot_signals
from .guard import csrf, same_origin
from .i18n import use_language
from .responses import failure, json_answer, wants_json
from .submission import BadInput, read_fields

log = logging.getLogger(__name__)

@dataclass
class PublicForm:
    name: str  # for logs and the bot refusal counter
    form_class: type
    # act(form, signals) -> response, for a valid submission with its bot signals.
    act: Callable
    # page(form, status, notice) -> the form page again, with errors next to the fields.
    page: Callable
    # confirm(form) -> the page asking a reader without a token to confirm (HTML), or None
    # to answer "your session has expired" like any other CSRF failure.
    confirm: Callable | None = None
    visible: tuple = ()  # the fields a reader can correct

def field_errors(form, names):
    return {name: [str(e) for e in form[name].errors] for name in names if form[name].errors}

def refuse(spec, form, status, message, errors=None):
    """Answer a refusal: JSON with field errors, or the form page with them."""
    if wants_json():
        return json_answer(False, message, status, errors or {})
    for name, messages in (errors or {}).items():
        if name in form:
            form[name].errors = list(messages)
    return spec.page(form, status, message)

def handle(spec):
    """Run the steps for the form spec describes and return the answer."""
    fields = read_fields()  # BadInput: errors.py answers 422
    form = spec.form_class(formdata=fields)
    use_language(form.lang.data)
    if not same_origin():
        log.warning("forms: %s refused, foreign Origin/Referer", spec.name)
        return failure(400)
    try:
        csrf.protect()
    except CSRFError:
        if spec.confirm is not None and not wants_json():
            return spec.confirm(form)
        raise  # errors.py: the one CSRF answer
    try:
        signals = bot_signals.read(form)
    except BadInput as problem:
        return refuse(spec, form, 422, str(problem.message), {problem.field: [
            str(problem.message)]})
    if bot_signals.scripted(form, signals):
        bot_signals.refuse(spec.name, "honeypot-without-page")
        return refuse(spec, form, 422, gettext(
            "We could not accept the form. Please reload the page and try again."))
    if signals:
        log.info("forms: %s flagged: %s", spec.name, ",".join(signals))
    if not form.validate():
        return refuse(spec, form, 422, gettext("Please correct the marked fields."),
                      field_errors(form, spec.visible))
    return spec.act(form, signals)

