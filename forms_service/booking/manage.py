"""The page behind the signed link in the confirmation: move or cancel the meeting.

Moving is the main action. Cancelling asks first: the manage page's dialog (JavaScript), or
without it a confirmation page answering the first POST; only confirm=yes cancels.
"""

import functools

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..db import db
from ..guard import csrf_ok, same_origin
from ..i18n import use_language
from ..limits import limiter, per_ip
from ..responses import failure, thank_you_page
from .blueprint import availability, bp, now
from .display import as_utc, when, zone_name, zone_or_home
from .forms import CancelForm, MoveForm
from .messages import CHANGED, TAKEN, problem_message
from .models import CONFIRMED, Booking
from .reserve import BookingChanged, SlotProblem, SlotTaken, cancel, has_started, move
from .tokens import read_manage_token
from .views import requested_day, slot_page


def _booking_from(token):
    """Return (booking, None) or (None, error response); sets the page language."""
    payload, problem = read_manage_token(token)
    # ?lang= is the language switch; without it, the language the meeting was booked in.
    use_language(request.args.get("lang") or (payload or {}).get("l"))
    booking = db.session.get(Booking, payload["b"]) if payload and not problem else None
    if booking is None or booking.uid != payload.get("u"):
        expired = problem == "expired"
        page = render_template("booking/link_problem.html", lang=g.lang, expired=expired)
        return None, (page, 410 if expired else 400, {"Cache-Control": "no-store"})
    return booking, None


def _checked_post(view):
    """A POST to a manage link: view(booking, token) once the link, origin and token pass."""
    @functools.wraps(view)
    def checked(token):
        booking, problem = _booking_from(token)
        if problem:
            return problem
        if not same_origin():
            return failure(400)
        if not csrf_ok():
            return _page(booking, token, 400,
                         gettext("Your session has expired. Please try again."))
        return view(booking, token)
    return checked


def _when(booking):
    zone = zone_or_home(booking.time_zone)
    return when(as_utc(booking.starts_at), as_utc(booking.ends_at), g.lang, zone)


def _page(booking, token, status=200, notice=None, move_form=None, first_day=None):
    zone = zone_or_home(booking.time_zone)
    move_form = move_form or MoveForm()
    errors = {"start": [str(e) for e in move_form.start.errors]} if move_form.start.errors else {}
    state = ("moved" if booking.replaced_by else "cancelled" if booking.status != CONFIRMED
             else "past" if has_started(booking, now()) else "open")
    times = slot_page(zone, first_day, move_form.start_utc) if state == "open" else {}
    return render_template(
        "booking/manage.html", lang=g.lang, booking=booking, token=token, state=state,
        notice=notice, cancel_form=CancelForm(), move_form=move_form, errors=errors,
        zone_key=zone.key, zone_label=zone_name(zone, g.lang), when=_when(booking), **times,
    ), status, {"Cache-Control": "no-store"}


@bp.get("/manage/<token>")
def manage(token):
    """Show the meeting with buttons to cancel it or pick another time (?from=YYYY-MM-DD)."""
    booking, problem = _booking_from(token)
    return problem or _page(booking, token, first_day=requested_day())


@bp.post("/manage/<token>/cancel")
@limiter.limit(per_ip)
@_checked_post
def cancel_booking(booking, token):
    """Ask first; with confirm=yes cancel (frees the slot, sends CANCEL invites)."""
    if has_started(booking, now()):
        return _page(booking, token, 409)
    if request.form.get("confirm") != "yes":
        if booking.status != CONFIRMED:
            return _page(booking, token, 409, gettext(CHANGED))
        return render_template(
            "booking/cancel_confirm.html", lang=g.lang, token=token, cancel_form=CancelForm(),
            when=_when(booking)), 200, {"Cache-Control": "no-store"}
    if not cancel(booking):
        # Cancelled or moved by another tab meanwhile: show how it stands now.
        return _page(booking, token, 409, gettext(CHANGED))
    return redirect(url_for("booking.manage", token=token, lang=g.lang), code=303)


@bp.post("/manage/<token>/move")
@limiter.limit(per_ip)
@_checked_post
def move_booking(booking, token):
    """Move the meeting to the new time: the same meeting (UID), rescheduled in place."""
    form = MoveForm()
    if booking.status != CONFIRMED:
        return _page(booking, token, 409, gettext(CHANGED))
    if has_started(booking, now()):
        return _page(booking, token, 409)
    if not form.validate():
        return _page(booking, token, 422, gettext(
            "You did not pick a new time. Pick one in the list below and press the button "
            "again."), form)
    try:
        move(availability(), booking, form.start_utc, now())
    except SlotProblem as exc:
        return _page(booking, token, 422, problem_message(exc.code, availability()), form)
    except SlotTaken:
        return _page(booking, token, 409, gettext(TAKEN), form)
    except BookingChanged:
        return _page(booking, token, 409, gettext(CHANGED))
    return redirect(url_for("booking.moved", lang=g.lang), code=303)


@bp.get("/moved")
def moved():
    """After a reschedule: the updated invitation is on its way."""
    use_language(request.args.get("lang"))
    return thank_you_page(gettext("Your meeting has been moved. The new invitation is on its "
                                    "way to your inbox."))
