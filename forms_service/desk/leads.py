"""E-book leads, and one person's leads and bookings together."""

from flask import Blueprint, abort, g, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from ..booking.models import Booking
from ..db import db
from ..models import Consent, Lead
from .filters import filter_form
from .lifecycle import stage_column
from .models import FollowUp
from .paging import page_rows
from .queries import emails_with_bookings, lead_query

bp = Blueprint("leads", __name__)


@bp.get("/")
def index():
    """The desk's home page is the overview."""
    return redirect(url_for("desk.overview.overview"))


@bp.get("/leads")
def leads():
    """The leads matching the filters, a page at a time."""
    form = filter_form("leads")
    page, rows, more = page_rows(lead_query(form.values()))
    booked = emails_with_bookings(db.session, [row.email for row in rows])
    return render_template("desk/leads.html", form=form, rows=rows, booked=booked,
                           page=page, more=more, lang=g.lang,
                           title=gettext("E-book leads"))


@bp.get("/people/<any(lead, booking):kind>/<int:item_id>")
def person(kind, item_id):
    """Everything stored under the e-mail address of one lead or booking."""
    item = db.session.get(Lead if kind == "lead" else Booking, item_id)
    if item is None:
        abort(404)
    email = item.email.lower()
    person_leads = list(db.session.scalars(select(Lead).where(func.lower(Lead.email) == email)))
    consents = list(db.session.scalars(
        select(Consent).where(Consent.lead_id.in_([lead.id for lead in person_leads]))
        .order_by(Consent.given_at)))
    bookings = db.session.execute(
        select(Booking, FollowUp, stage_column().label("stage"))
        .outerjoin(FollowUp, FollowUp.booking_id == Booking.id)
        .where(func.lower(Booking.email) == email).order_by(Booking.starts_at)).all()
    return render_template("desk/person.html", email=email, leads=person_leads,
                           consents=consents, bookings=bookings, lang=g.lang,
                           title=gettext("Person"))
