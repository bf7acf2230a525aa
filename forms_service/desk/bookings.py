"""Booked consultations: the list, and a detail page with its history, sales' status and
notes, and staff's move and cancel (the same rules and mails as the visitor's own link)."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..booking.blueprint import availability, now
from ..booking.display import HOME_ZONE, zone_name, zone_or_home
from ..booking.forms import topic_labels
from ..booking.messages import CHANGED, TAKEN, problem_message
from ..booking.models import CONFIRMED, MOVED, STAFF, Booking, BookingEvent
from ..booking.reserve import BookingChanged, SlotProblem, SlotTaken, has_started, move
from ..booking.reserve import cancel as cancel_booking
from ..booking.views import requested_day, slot_page
from ..db import db
from ..models import utcnow
from .filters import filter_form
from .forms import FollowUpForm, StaffCancelForm, StaffMoveForm
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


def _load(booking_id):
    item = db.session.get(Booking, booking_id)
    if item is None:
        abort(404)
    return item


def _page(item, form=None, move_form=None, status=200, notice=None):
    """The booking's page: facts, history, outcome and notes, and staff's move and cancel."""
    follow_up = db.session.get(FollowUp, item.id) or FollowUp(
        booking_id=item.id, status="new", notes="")
    form = form or FollowUpForm(obj=follow_up)
    history = db.session.scalars(select(BookingEvent).where(BookingEvent.booking_id == item.id)
                                 .order_by(BookingEvent.at, BookingEvent.id)).all()
    moved_here = any(event.kind == MOVED for event in history) or db.session.scalar(
        select(Booking.id).where(Booking.replaced_by == item.id).limit(1)) is not None
    started = has_started(item, now())
    move_form = move_form or StaffMoveForm(formdata=None, sequence=item.sequence)
    times, zone = {}, zone_or_home(HOME_ZONE)
    if item.status == CONFIRMED and not started:
        times = slot_page(zone, requested_day(), move_form.start_utc)
    errors = {"start": [str(e) for e in move_form.start.errors]} if move_form.start.errors else {}
    return render_template(
        "desk/booking.html", booking=item, follow_up=follow_up, form=form, history=history,
        stage=stage_of(item, follow_up, moved_here), replacement=item.replaced_by,
        started=started, topics=topic_labels(item.topic_list, g.lang), lang=g.lang,
        move_form=move_form, cancel_form=StaffCancelForm(formdata=None, sequence=item.sequence),
        errors=errors, notice=notice, zone_key=zone.key, zone_label=zone_name(zone, g.lang),
        title=gettext("Booking"), **times), status


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
def booking(booking_id):
    """One booking; sales set its follow-up status and notes here."""
    item = _load(booking_id)
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
    return _page(item, form, status=422 if form.errors else 200)


def _seen_current(item, form):
    """True when staff acted on the booking as it is now (no move or cancel since)."""
    return form.sequence.data is None or form.sequence.data == item.sequence


@bp.post("/bookings/<int:booking_id>/cancel")
def cancel(booking_id):
    """Staff cancel a meeting: the slot is freed and both sides get the cancellation."""
    item = _load(booking_id)
    form = StaffCancelForm()
    form.validate()
    if (has_started(item, now()) or not _seen_current(item, form)
            or not cancel_booking(item, by=STAFF, staff_email=current_user().email)):
        # Started, or cancelled or moved meanwhile: the page shows how it stands now.
        flash(gettext("The meeting could not be cancelled: it has started or changed."))
    else:
        flash(gettext("The meeting is cancelled."))
    return redirect(url_for("desk.bookings.booking", booking_id=booking_id), code=303)


@bp.post("/bookings/<int:booking_id>/move")
def move_meeting(booking_id):
    """Staff move a meeting for the visitor: the same meeting at a new time, the same mails."""
    item = _load(booking_id)
    form = StaffMoveForm()
    valid = form.validate()
    if item.status != CONFIRMED or has_started(item, now()) or not _seen_current(item, form):
        return _page(item, status=409, notice=gettext(CHANGED))
    if not valid:
        return _page(item, move_form=form, status=422, notice=gettext(
            "You did not pick a new time. Pick one in the list below and press the button "
            "again."))
    rules = availability()
    try:
        move(rules, item, form.start_utc, now(), by=STAFF, staff_email=current_user().email)
    except SlotProblem as exc:
        return _page(item, move_form=form, status=422,
                     notice=problem_message(exc.code, rules))
    except SlotTaken:
        return _page(item, move_form=form, status=409, notice=gettext(TAKEN))
    except BookingChanged:
        return _page(_load(booking_id), status=409, notice=gettext(CHANGED))
    flash(gettext("The meeting is moved. The visitor and sales get the new time by e-mail."))
    return redirect(url_for("desk.bookings.booking", booking_id=booking_id), code=303)


