"""The desk's privacy page: export or erase one person, and the log of erasures."""

import json

from flask import Blueprint, Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..db import db
from .forms import EraseForm, PersonForm
from .gate import current_user
from .models import Erasure
from .privacy import erase_person, export_person

bp = Blueprint("privacy", __name__)


def _page(export_form=None, erase_form=None, status=200):
    erasures = db.session.scalars(select(Erasure).order_by(Erasure.id.desc()).limit(100))
    return render_template(
        "desk/privacy.html", export_form=export_form or PersonForm(prefix="export"),
        erase_form=erase_form or EraseForm(prefix="erase"), erasures=list(erasures),
        lang=g.lang, title=gettext("Privacy requests")), status


@bp.get("/privacy")
def privacy():
    return _page()


@bp.post("/privacy/export")
def export():
    """Download everything about one address as JSON."""
    form = PersonForm(prefix="export")
    if not form.validate():
        return _page(export_form=form, status=422)
    body = json.dumps(export_person(form.email.data), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="person.json"'})


@bp.post("/privacy/erase")
def erase():
    """Erase one address; the page then shows the counts, never the address."""
    form = EraseForm(prefix="erase")
    if not form.validate():
        return _page(erase_form=form, status=422)
    counts = erase_person(form.email.data, actor=current_user().email)
    flash(gettext("Erased: %(leads)s leads, %(bookings)s bookings, %(messages)s messages.",
                  **counts))
    return redirect(url_for("desk.privacy.privacy"), code=303)
