"""Book a meeting for someone who phoned: the public booking's slots, checks and mails."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext

from ..booking.blueprint import availability, now
from ..booking.display import HOME_ZONE, zone_name, zone_or_home
from ..booking.messages import TAKEN, problem_message
from ..booking.models import STAFF
from ..booking.reserve import SlotProblem, SlotTaken, reserve
from ..booking.views import requested_day, slot_page
from ..i18n import language_of, languages
from .forms import CallerForm
from .gate import current_user

bp = Blueprint("calls", __name__)
# What the caller agreed to on the phone; stored with the booking as its consent text.
AGREED = ("On the phone, the caller agreed that Normkraft stores these details to arrange "
          "the meeting (recorded by %(who)s).")
NOT_FREE = "%(name)s is not free at that time. Pick another time, or any consultant."


def _consultants():
    return [("", gettext("Any consultant"))] + [
        (c.key, c.name) for c in availability().consultants]


def _page(form, status=200, notice=None):
    zone = zone_or_home(HOME_ZONE)
    form.consultant.choices = _consultants()
    form.language.choices = [(code, code) for code in languages()]
    errors = {name: [str(e) for e in field.errors] for name, field in form._fields.items()
              if field.errors}
    return render_template(
        "desk/new_booking.html", form=form, errors=errors, notice=notice, lang=g.lang,
        zone_key=zone.key, zone_label=zone_name(zone, g.lang),
        title=gettext("Book a meeting for a caller"),
        **slot_page(zone, requested_day(), form.start_utc)), status


@bp.get("/bookings/new")
def new_booking():
    """The form: the caller's details, a consultant (or any) and a free time."""
    return _page(CallerForm(formdata=None, language=g.lang))


@bp.post("/bookings/new")
def create_booking():
    """Book the slot for the caller; they get the same invitation as a visitor would."""
    form = CallerForm()
    if not form.validate():
        return _page(form, 422, gettext("Please correct the marked fields."))
    rules = availability()
    key = form.consultant.data or None
    consultant = rules.consultant(key) if key else None
    if key and consultant is None:
        form.consultant.errors = [gettext("Not a valid choice.")]
        return _page(form, 422, gettext("Please correct the marked fields."))
    language = form.language.data if form.language.data in languages() else g.lang
    who = current_user().email
    details = {
        "name": form.name.data, "email": form.email.data.lower(),
        "company": form.company.data or "", "phone": form.phone.data or None, "topics": "",
        "message": "", "language": language, "time_zone": None,
        "consent_text": _in_language(language, AGREED, who=who),
    }
    try:
        booking = reserve(rules, form.start_utc, details, now(), by=STAFF, staff_email=who,
                          via="phone", only=key)
    except SlotProblem as exc:
        form.start.errors = [problem_message(exc.code, rules)]
        return _page(form, 422, gettext("Please correct the marked fields."))
    except SlotTaken:
        message = gettext(NOT_FREE, name=consultant.name) if consultant else gettext(TAKEN)
        form.start.errors = [message]
        return _page(form, 409, message)
    flash(gettext("The meeting is booked. The caller gets the invitation by e-mail."))
    return redirect(url_for("desk.bookings.booking", booking_id=booking.id), code=303)


def _in_language(language, msgid, **params):
    """msgid in the caller's language (the consent text is stored as they heard it)."""
    with language_of(language):
        return gettext(msgid, **params)
