"""Booked consultations: the list, and a detail page with sales' status and notes."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..booking.blueprint import now
from ..booking.forms import topic_labels
from ..booking.models import CONFIRMED, Booking
from ..booking.reserve import cancel as cancel_booking
from ..booking.reserve import has_started
from ..db import db
from ..models import utcnow
from .filters import filter_form
from .forms import FollowUpForm
from .gate import current_user
from .lifecycle import stage_of
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
                           topic_labels=topic_labels, title=gettext("Bookings"))


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
def booking(booking_id):
    """One booking; sales set its follow-up status and notes here."""
    item = db.session.get(Booking, booking_id)
    if item is None:
        abort(404)
    follow_up = db.session.get(FollowUp, booking_id) or FollowUp(
        booking_id=booking_id, status="new", notes="")
    form = FollowUpForm(obj=follow_up)
    if item.status == CONFIRMED and form.validate_on_submit():
        form.populate_obj(follow_up)
        follow_up.updated_at = utcnow()
        follow_up.updated_by = current_user().email
        db.session.add(follow_up)
        db.session.commit()
        flash(gettext("Saved."))
        return redirect(url_for("desk.bookings.booking", booking_id=booking_id), code=303)
    moved_here = db.session.scalar(
        select(Booking.id).where(Booking.replaced_by == item.id).limit(1)) is not None
    return render_template("desk/booking.html", booking=item, follow_up=follow_up, form=form,
                           stage=stage_of(item, follow_up, moved_here),
                           replacement=item.replaced_by, started=has_started(item, now()),
                           topics=topic_labels(item.topic_list, g.lang), lang=g.lang,
                           title=gettext("Booking")), 422 if form.errors else 200


@bp.post("/bookings/<int:booking_id>/cancel")
def cancel(booking_id):
    """Staff cancel a meeting: the slot is freed and both sides get the cancellation."""
    item = db.session.get(Booking, booking_id)
    if item is None:
        abort(404)
    if has_started(item, now()) or not cancel_booking(item, by="staff"):
        # Started, or cancelled or moved meanwhile: the page shows how it stands now.
        flash(gettext("The meeting could not be cancelled: it has started or changed."))
    else:
        flash(gettext("The meeting is cancelled."))
    return redirect(url_for("desk.bookings.booking", booking_id=booking_id), code=303)
