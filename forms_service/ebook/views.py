"""The e-book feature: signup, thank-you page, download link and new-link requests."""

import logging
from pathlib import Path

from flask import Blueprint, current_app, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext

from .. import bot_signals
from ..db import db
from ..i18n import use_language
from ..limits import form_limits
from ..models import Lead, utcnow
from ..pipeline import PublicForm, field_errors, handle
from ..responses import failure, json_answer, success_message, thank_you_page, wants_json
from ..site_urls import site_link, source_page, web_url
from ..tokens import read_download_token, start_stamp
from .forms import EbookForm, ResendForm
from .signup import record_signup, request_new_link

bp = Blueprint("ebook", __name__)
# The same msgids as the site's form (theme/templates/macros/forms.html), so the stored
# text is the text the reader saw; tests/forms/test_site_form.py compares the two.
CONSENT_MSGID = ("I agree that Normkraft stores my name and e-mail address to send me the "
                 "e-book, as described in the")
log = logging.getLogger(__name__)


def consent_text():
    """The consent text exactly as the form shows it, with the policy address spelled out."""
    return "{} {} ({}).".format(
        gettext(CONSENT_MSGID), gettext("privacy policy"), site_link("/en/privacy-policy/"))


def _render_form(form, status, notice=None):
    """The no-JavaScript form page: fresh token, the reader's values, errors next to fields."""
    if not form.ts.data:
        form.ts.data = start_stamp()
    return (
        render_template("ebook/form.html", form=form, lang=g.lang, notice=notice,
                        errors=field_errors(form, EbookForm.VISIBLE),
                        privacy_url=site_link("/en/privacy-policy/")),
        status,
        {"Cache-Control": "no-store"},
    )


def _success(page):
    if wants_json():
        return json_answer(True, success_message(), 200)
    # The thank-you page links back to the page the form was filled on (layout.came_from).
    return redirect(url_for("ebook.thanks", lang=g.lang, page=page), code=303)


def _confirm_page(form):
    """The form posted from the static site (no token): the reader's values and a button.

    The reader filled the form on the site, so the stamp counts that time as spent.
    """
    config = current_app.config
    if not form.page_url.data:
        form.page_url.data = source_page(request.headers.get("Referer"))
    form.ts.data = start_stamp(head_start=max(
        0.0, config["MIN_FILL_SECONDS"] - config["MIN_CONFIRM_SECONDS"]))
    return _render_form(form, 200, notice=gettext(
        "Please check your details and confirm to get the e-book."))


def _record(form, signals):
    """Store a valid signup (a flagged one too: only the address's owner can confirm it)."""
    page_url = source_page(form.page_url.data or request.headers.get("Referer"))
    record_signup(
        email=form.email.data.lower(),
        name=form.name.data,
        language=g.lang,
        page_url=page_url,
        referrer=web_url(form.referrer.data),
        consent_text=consent_text(),
        bot_signals=bot_signals.as_text(signals),
    )
    return _success(page_url)


SIGNUP = PublicForm("ebook", EbookForm, act=_record, confirm=_confirm_page,
                    page=lambda form, status, notice: _render_form(form, status, notice),
                    visible=EbookForm.VISIBLE)


@bp.post("/ebook")
@form_limits("ebook-email")
def signup():
    """Take a signup from the JavaScript or the plain HTML form."""
    return handle(SIGNUP)


@bp.get("/ebook/thanks")
def thanks():
    """The localized thank-you page after a plain HTML signup."""
    use_language(request.args.get("lang"))
    return thank_you_page(success_message())


def _link_problem(form, status, errors=None, **page):
    """The page for a link that no longer works, with the form asking for a new one."""
    return render_template("ebook/link_problem.html", lang=g.lang, form=form,
                           errors=errors or {}, **page), status


@bp.get("/ebook/download/<token>")
def download(token):
    """Confirm the address (double opt-in) and stream the e-book in the reader's language."""
    payload, problem = read_download_token(token)
    use_language((payload or {}).get("lang") or request.args.get("lang"))
    if problem:
        expired = problem == "expired"
        return _link_problem(ResendForm(lang=g.lang), 410 if expired else 400, expired=expired)
    lead = db.session.get(Lead, payload["lead"])
    if lead is None:
        # Erased by a privacy request or the retention purge. A resend form cannot help (it
        # only reaches known addresses), so point the reader to a fresh signup instead.
        return _link_problem(None, 410, gone=True, ebook_url=site_link("/en/ebook/"))
    pdf = Path(current_app.config["EBOOK_DIR"]) / f"{g.lang}.pdf"
    if not pdf.is_file():
        log.error("forms: e-book %s is missing", pdf)
        return failure(503)
    if lead.confirmed_at is None:
        lead.confirmed_at = utcnow()
        db.session.commit()
    response = send_file(pdf, mimetype="application/pdf", as_attachment=False,
                         download_name=gettext("normkraft-ebook.pdf"), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _send_new_link(form, signals):
    request_new_link(form.email.data.lower(), g.lang)
    return thank_you_page(gettext("If we know this address, a new link is on its way. "
                                    "Please check your inbox.")), 200


def _resend_page(form, status, notice=None):
    return _link_problem(form, status, errors=field_errors(form, ["email"]), notice=notice)


def _resend_expired(form):
    # The page sat open longer than the token lives: same page, fresh token, the
    # address kept, and a word on what happened.
    return _link_problem(form, 200, notice=gettext(
        "Your session has expired. Please try again."))


RESEND = PublicForm("ebook-resend", ResendForm, act=_send_new_link, page=_resend_page,
                    confirm=_resend_expired, visible=("email",))


@bp.post("/ebook/resend")
@form_limits("ebook-email")
def resend():
    """Send a new link to a known address; the answer never tells whether it is known."""
    return handle(RESEND)
