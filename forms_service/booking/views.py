"""The booking endpoints: free slots (JSON), the no-JavaScript form, and the booking itself."""

import logging
from datetime import UTC, datetime, time, timedelta

from flask import g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from .. import bot_signals
from ..i18n import use_language
from ..limits import form_limits
from ..pipeline import PublicForm, field_errors, handle, refuse
from ..responses import json_answer, thank_you_page, wants_json
from ..site_urls import site_link, source_page, utm_from, web_url
from ..tokens import start_stamp
from .blueprint import availability, bp, now
from .confirm import confirm_token, confirmed_signals
from .display import HOME_ZONE, clock, day_label, zone_name, zone_or_home
from .forms import TOPICS, BookingForm
from .messages import SUCCESS, TAKEN, problem_message
from .reserve import SlotProblem, SlotTaken, open_slots, reserve

log = logging.getLogger(__name__)
DAYS_SHOWN = 14  # days per page of the no-JavaScript time list
CONSENT_MSGID = ("I agree that Normkraft stores the details I give here to arrange the "
                 "meeting, as described in the")


def consent_text():
    """The consent text as the form shows it, with the policy address spelled out."""
    return "{} {} ({}).".format(gettext(CONSENT_MSGID), gettext("privacy policy"),
                                site_link("/en/privacy-policy/"))


def _moment(value, zone, end=False):
    """A date (the start of that day, or of the next one for end) or an ISO 8601 time, in UTC.

    Raises ValueError for other text and OverflowError at the ends of the calendar
    (the day after 9999-12-31, or 0001-01-01 in a zone east of UTC).
    """
    if len(value) == 10:
        day = datetime.strptime(value, "%Y-%m-%d").date() + timedelta(days=1 if end else 0)
        moment = datetime.combine(day, time(), tzinfo=zone)
    else:
        moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


@bp.get("/slots")
def slots():
    """{"slots": [{"start", "end"}]}: bookable times, ISO 8601 with the Stockholm offset."""
    use_language(request.args.get("lang"))
    rules, moment = availability(), now()
    try:
        start = _moment(request.args["from"], rules.zone) if request.args.get("from") else moment
        end = (_moment(request.args["to"], rules.zone, end=True) if request.args.get("to")
               else moment + rules.horizon)
    except (ValueError, OverflowError):
        return json_answer(False, gettext(
            "Please give from and to as dates (YYYY-MM-DD) or ISO 8601 times."), 400)
    items = [{"start": slot.start.astimezone(rules.zone).isoformat(),
              "end": slot.end.astimezone(rules.zone).isoformat()}
             for slot in open_slots(rules, start, end, moment)] if start < end else []
    response = jsonify({"slots": items, "time_zone": rules.zone.key})
    response.headers["Cache-Control"] = "no-store"
    return response


def slot_days(rules, first_day, days, zone, language, chosen=None):
    """[(day label, [(value, time label, checked)])]; chosen is an aware start or None."""
    start = datetime.combine(first_day, time(), tzinfo=rules.zone)
    grouped = {}
    for slot in open_slots(rules, start, start + timedelta(days=days), now()):
        value = slot.start.astimezone(rules.zone).isoformat()
        label = f"{clock(slot.start, zone, language)}–{clock(slot.end, zone, language)}"
        day = slot.start.astimezone(zone).date()
        grouped.setdefault(day, []).append((value, label, slot.start == chosen))
    return [(day_label(day, g.lang), times) for day, times in grouped.items()]


def requested_day():
    """The date in ?from=YYYY-MM-DD, or None."""
    try:
        return datetime.strptime(request.args.get("from", ""), "%Y-%m-%d").date()
    except ValueError:
        return None


def slot_page(zone, first_day=None, chosen=None):
    """One page of the no-JavaScript time list: {"days", "earlier", "later"}.

    The page starts on first_day (?from=); without it, on the page holding chosen (an
    aware start, checked in the list), else today. earlier and later are the first days
    of the neighbouring pages, or None at the ends of the booking window.
    """
    rules, moment = availability(), now()
    today = moment.astimezone(rules.zone).date()
    last_day = (moment + rules.horizon).astimezone(rules.zone).date()
    if first_day is None and chosen is not None:
        # Earlier/Later step DAYS_SHOWN days from today: redraw the page the time was on.
        # Clamped first, as 9999-12-31T23:30Z has no date in Stockholm.
        day = min(max(chosen, moment), moment + rules.horizon).astimezone(rules.zone).date()
        first_day = today + timedelta(days=(day - today).days // DAYS_SHOWN * DAYS_SHOWN)
    # A first day outside the window (?from=9999-12-31) shows the window's first or last page.
    first_day = max(min(first_day or today, last_day - timedelta(days=DAYS_SHOWN - 1)), today)
    later = first_day + timedelta(days=DAYS_SHOWN)
    return {
        "days": slot_days(rules, first_day, DAYS_SHOWN, zone, g.lang, chosen),
        "earlier": (first_day - timedelta(days=DAYS_SHOWN)).isoformat() if first_day > today
        else None,
        "later": later.isoformat() if later <= last_day else None,
    }


def render_form(form, status, notice=None, first_day=None):
    """The server-rendered booking form: slots as radio buttons, errors next to fields."""
    zone = zone_or_home(HOME_ZONE)
    if not form.ts.data:
        form.ts.data = start_stamp()
    return render_template(
        "booking/form.html", form=form, lang=g.lang, notice=notice,
        errors=field_errors(form, BookingForm.VISIBLE),
        zone_key=zone.key, zone_label=zone_name(zone, g.lang), topics=TOPICS,
        privacy_url=site_link("/en/privacy-policy/"),
        **slot_page(zone, first_day, form.start_utc),
    ), status, {"Cache-Control": "no-store"}


@bp.get("")
def form_page():
    """The booking form for readers without JavaScript (?lang=, ?from=YYYY-MM-DD)."""
    use_language(request.args.get("lang"))
    # The page the visitor came from (the site's booking page names its source article).
    form = BookingForm(lang=g.lang, formdata=None,
                       page_url=source_page(request.headers.get("Referer")))
    return render_form(form, 200, first_day=requested_day())


def _success():
    if wants_json():
        return json_answer(True, gettext(SUCCESS), 200)
    return redirect(url_for("booking.thanks", lang=g.lang), code=303)


def _confirm_step(form, signals):
    """Ask a visitor whose booking looked automated to confirm it; nothing is held yet."""
    token = confirm_token(form, signals)
    message = gettext("Please confirm your booking: %(when)s.", when=_when(form))
    if wants_json():
        return json_answer(False, message, 200, confirm=token)
    return render_template("booking/confirm.html", form=form, lang=g.lang, message=message,
                           confirm=token, fields=_resent_fields(form)), 200, {
        "Cache-Control": "no-store"}


def _when(form):
    zone = zone_or_home(form.tz.data or HOME_ZONE)
    day = day_label(form.start_utc.astimezone(zone).date(), g.lang)
    return f"{day} {clock(form.start_utc, zone, g.lang)} ({zone_name(zone, g.lang)})"


def _resent_fields(form):
    """(name, value) of every field the confirmation page sends again."""
    names = ("name", "email", "company", "phone", "message", "start", "lang", "tz",
             "page_url", "referrer", "elapsed", "ts", "website")
    pairs = [(name, form[name].data or "") for name in names]
    pairs += [("topic", key) for key in form.chosen_topics()]
    return pairs + [("consent", "y")] if form.consent.data else pairs


def _book(form, signals):
    """Reserve the slot; a flagged booking first goes through the confirmation step."""
    held_for = confirmed_signals(form)
    if held_for is not None:
        signals = [*dict.fromkeys(held_for + signals), "confirmed"]
    elif signals:
        return _confirm_step(form, signals)
    rules = availability()
    page_url = source_page(form.page_url.data or request.headers.get("Referer"))
    details = {
        "name": form.name.data, "email": form.email.data.lower(), "company": form.company.data,
        "phone": form.phone.data or None, "topics": ",".join(form.chosen_topics()),
        "message": form.message.data or "", "language": g.lang,
        "time_zone": zone_or_home(form.tz.data).key if form.tz.data else None,
        "consent_text": consent_text(),
        "page_url": page_url, "referrer": web_url(form.referrer.data),
        "bot_signals": bot_signals.as_text(signals),
        **utm_from(page_url),
    }
    try:
        reserve(rules, form.start_utc, details, now())
    except SlotProblem as problem:
        message = problem_message(problem.code, rules)
        return refuse(BOOKING, form, 422, gettext("Please correct the marked fields."),
                      {"start": [message]})
    except SlotTaken:
        return refuse(BOOKING, form, 409, gettext(TAKEN), {"start": [gettext(TAKEN)]})
    return _success()


BOOKING = PublicForm("booking", BookingForm, act=_book, visible=BookingForm.VISIBLE,
                     page=lambda form, status, notice: render_form(form, status, notice))


@bp.post("")
@form_limits("booking-email")
def create():
    """Book a meeting from the JavaScript widget or the plain form."""
    return handle(BOOKING)


@bp.get("/thanks")
def thanks():
    """The thank-you page after a booking with the plain form."""
    use_language(request.args.get("lang"))
    return thank_you_page(gettext(SUCCESS))
