"""Booked consultations: the list, and a detail page with sales' status and notes."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for

from ..booking.forms import topic_labels
from ..booking.models import Booking
from ..db import db
from ..i18n import translate
from ..models import utcnow
from .filters import filter_form
from .forms import FollowUpForm
from .gate import current_user
from .models import FollowUp
from .paging import page_rows
from .queries import booking_query, emails_with_leads

bp = Blueprint("bookings", __name__)


@bp.get("/bookings")
def bookings():
    """The bookings matching the filters, by meeting time."""
    form = filter_form("bookings")
    page, rows, more = page_rows(booking_query(form.values()))
    leads = emails_with_leads(db.session, [row.email.lower() for row in rows])
    return render_template("desk/bookings.html", form=form, rows=rows, leads=leads,
                           page=page, more=more, lang=g.lang,
                           topic_labels=topic_labels, title=translate("Bookings"))


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
def booking(booking_id):
    """One booking; sales set its follow-up status and notes here."""
    item = db.session.get(Booking, booking_id)
    if item is None:
        abort(404)
    follow_up = db.session.get(FollowUp, booking_id) or FollowUp(
        booking_id=booking_id, status="new", notes="")
    form = FollowUpForm(obj=follow_up)
    if form.validate_on_submit():
        form.populate_obj(follow_up)
        follow_up.updated_at = utcnow()
        follow_up.updated_by = current_user().email
        db.session.add(follow_up)
        db.session.commit()
        flash(translate("Saved."))
        return redirect(url_for("desk.bookings.booking", booking_id=booking_id), code=303)
    return render_template("desk/booking.html", booking=item, follow_up=follow_up, form=form,
                           topics=topic_labels(item.topic_list, g.lang), lang=g.lang,
                           title=translate("Booking")), 422 if form.errors else 200
