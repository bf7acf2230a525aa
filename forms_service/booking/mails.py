"""The booking mails, built by the outbox worker from the stored booking and its history.

Kinds: booking_request / booking_moved / booking_cancel go to the visitor in their language
with an .ics invite (REQUEST, REQUEST with a higher SEQUENCE, CANCEL; one UID throughout);
booking_sales_new / booking_sales_moved / booking_sales_cancel go to FORMS_SALES_EMAIL.
Each mail describes the step of the history it was queued with (outbox.booking_event_id),
so a mail sent after a later change still tells its own step.
"""

from types import SimpleNamespace

from flask import current_app, render_template, url_for
from flask_babel import gettext

from ..db import db
from ..i18n import language_of
from ..mailer import compose, send
from .display import HOME_ZONE, as_utc, when, zone_or_home
from .forms import topic_labels
from .ics import invite
from .models import STAFF, Booking, BookingEvent
from .tokens import manage_token

VISITOR_KINDS = ("booking_request", "booking_moved", "booking_cancel")
SALES_KINDS = ("booking_sales_new", "booking_sales_moved", "booking_sales_cancel")
VISITOR_SUBJECTS = {
    "booking_request": "Your meeting with Normkraft is booked",
    "booking_moved": "Your meeting with Normkraft has been moved",
    "booking_cancel": "Your meeting with Normkraft is cancelled",
}
SALES_SUBJECTS = {
    "booking_sales_new": "New meeting booked: %(company)s",
    "booking_sales_moved": "Meeting moved: %(company)s",
    "booking_sales_cancel": "Meeting cancelled: %(company)s",
}


def _step(message):
    """(booking as of the message's step, the step or None for mails queued before 0012)."""
    booking = db.session.get(Booking, message.booking_id)
    event = (db.session.get(BookingEvent, message.booking_event_id)
             if message.booking_event_id else None)
    if event is None:
        return booking, None
    # The meeting as it stood after this step: a later move must not change this mail.
    view = SimpleNamespace(**{c.key: getattr(booking, c.key)
                              for c in Booking.__table__.columns})
    view.consultant, view.starts_at, view.ends_at = event.consultant, event.starts_at, event.ends_at
    view.sequence = event.sequence
    view.topic_list = booking.topic_list
    return view, event


def _span(start, end, language, booking):
    """The meeting's time in the visitor's zone, and in the home zone when that differs."""
    start, end = as_utc(start), as_utc(end)
    zone = zone_or_home(booking.time_zone)
    home = zone_or_home(HOME_ZONE)
    return (when(start, end, language, zone),
            when(start, end, language, home) if zone.key != home.key else None)


def _context(booking, language):
    availability = current_app.extensions["booking_availability"]
    consultant = availability.consultant(booking.consultant)
    now, now_home = _span(booking.starts_at, booking.ends_at, language, booking)
    return {
        "booking": booking,
        "language": language,
        "consultant_name": consultant.name if consultant else booking.consultant,
        "when": now,
        "when_home": now_home,
        "moved_from": None,
        "topics": topic_labels(booking.topic_list, language),
        "support_email": current_app.config["SUPPORT_EMAIL"],
    }


def _organizer(booking):
    consultant = current_app.extensions["booking_availability"].consultant(booking.consultant)
    if consultant:
        return consultant.name, consultant.email
    return "Normkraft", current_app.config["SALES_EMAIL"]


def _step_context(booking, event, language):
    """The context of a mail about event: moved_from for a move, who acted for sales."""
    context = _context(booking, language)
    if event is not None and event.from_starts_at is not None:
        context["moved_from"], context["moved_from_home"] = _span(
            event.from_starts_at, event.from_ends_at, language, booking)
    context["by_staff"] = event.staff_email if event is not None and event.by == STAFF else None
    context["via"] = event.via if event is not None else None
    return context


def visitor_mail(message):
    """The confirmation, the move or the cancellation for the visitor, with the .ics invite."""
    booking, event = _step(message)
    language = message.language
    cancel = message.kind == "booking_cancel"
    method = "CANCEL" if cancel else "REQUEST"
    # RFC 5546: one UID for the meeting's life; each change carries a higher SEQUENCE, so a
    # calendar updates (or removes) the event it has instead of adding another.
    sequence = booking.sequence if event is not None else (
        max(booking.sequence, 1) if cancel else 0)
    with language_of(language):
        context = _step_context(booking, event, language)
        context["cancelled"] = cancel
        context["link"] = None if cancel else url_for(
            "booking.manage", token=manage_token(booking), _external=True)
        ics = invite(booking, method=method, sequence=sequence, organizer=_organizer(booking),
                     summary=gettext("Meeting with Normkraft"),
                     description=render_template("booking/invite.txt", **context))
        # charset: the invite holds names and words outside ASCII ("Möte", "Björn").
        return compose(booking.email, gettext(VISITOR_SUBJECTS[message.kind]),
                       text=render_template("booking/mail_visitor.txt", **context),
                       html=render_template("booking/mail_visitor.html", **context),
                       reply_to=current_app.config["SALES_EMAIL"],
                       attachments=[(ics, {"maintype": "text", "subtype": "calendar",
                                           "filename": "invite.ics",
                                           "params": {"method": method, "charset": "utf-8"}})])


def sales_mail(message):
    """The notification to sales with every detail the visitor gave."""
    booking, event = _step(message)
    language = message.language
    company = " ".join(booking.company.split())  # one header line
    with language_of(language):
        context = _step_context(booking, event, language)
        context["cancelled"] = message.kind == "booking_sales_cancel"
        subject = gettext(SALES_SUBJECTS[message.kind], company=company)
        return compose(current_app.config["SALES_EMAIL"], subject,
                       text=render_template("booking/mail_sales.txt", **context),
                       reply_to=booking.email)


def deliver(message):
    """Build the mail for an outbox message of a booking kind and send it."""
    send(BUILDERS[message.kind](message))


BUILDERS = {**dict.fromkeys(VISITOR_KINDS, visitor_mail), **dict.fromkeys(SALES_KINDS, sales_mail)}
