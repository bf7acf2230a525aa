"""The booking mails, built by the outbox worker from the stored booking.

Kinds: booking_request / booking_cancel go to the visitor in their language with an
.ics invite; booking_sales_new / booking_sales_cancel go to FORMS_SALES_EMAIL.
"""

from flask import current_app, render_template, url_for

from ..db import db
from ..i18n import translate
from ..mailer import compose, send
from .display import HOME_ZONE, as_utc, when, zone_or_home
from .forms import topic_labels
from .ics import invite
from .models import Booking
from .tokens import manage_token


def _context(booking, language):
    availability = current_app.extensions["booking_availability"]
    consultant = availability.consultant(booking.consultant)
    start, end = as_utc(booking.starts_at), as_utc(booking.ends_at)
    zone = zone_or_home(booking.time_zone)
    home = zone_or_home(HOME_ZONE)
    return {
        "booking": booking,
        "language": language,
        "consultant_name": consultant.name if consultant else booking.consultant,
        "when": when(start, end, language, zone),
        "when_home": when(start, end, language, home) if zone.key != home.key else None,
        "topics": topic_labels(booking.topic_list, language),
        "support_email": current_app.config["SUPPORT_EMAIL"],
        "_": lambda msgid, **kw: translate(msgid, language, **kw),
    }


def _organizer(booking):
    consultant = current_app.extensions["booking_availability"].consultant(booking.consultant)
    if consultant:
        return consultant.name, consultant.email
    return "Normkraft", current_app.config["SALES_EMAIL"]


def _booking_and_context(message, cancel_kind):
    """The message's booking and its mail context; cancelled: whether it is a cancellation."""
    booking = db.session.get(Booking, message.booking_id)
    context = _context(booking, message.language)
    context["cancelled"] = message.kind == cancel_kind
    return booking, context


def visitor_mail(message):
    """The confirmation (or cancellation) for the visitor, with the .ics invite."""
    booking, context = _booking_and_context(message, "booking_cancel")
    language, cancel = message.language, context["cancelled"]
    context["link"] = None if cancel else url_for(
        "booking.manage", token=manage_token(booking), _external=True)
    if cancel:
        subject = translate("Your meeting with Normkraft is cancelled", language)
    else:
        subject = translate("Your meeting with Normkraft is booked", language)
    method = "CANCEL" if cancel else "REQUEST"
    ics = invite(booking, method=method, sequence=max(booking.sequence, 1) if cancel else 0,
                 organizer=_organizer(booking),
                 summary=translate("Meeting with Normkraft", language),
                 description=render_template("booking/invite.txt", **context))
    return compose(booking.email, subject,
                   text=render_template("booking/mail_visitor.txt", **context),
                   html=render_template("booking/mail_visitor.html", **context),
                   reply_to=current_app.config["SALES_EMAIL"],
                   attachments=[(ics, {"maintype": "text", "subtype": "calendar",
                                       "filename": "invite.ics",
                                       "params": {"method": method}})])


def sales_mail(message):
    """The notification to sales with every detail the visitor gave."""
    booking, context = _booking_and_context(message, "booking_sales_cancel")
    language = message.language
    company = " ".join(booking.company.split())  # one header line
    if context["cancelled"]:
        subject = translate("Meeting cancelled: %(company)s", language, company=company)
    else:
        subject = translate("New meeting booked: %(company)s", language, company=company)
    return compose(current_app.config["SALES_EMAIL"], subject,
                   text=render_template("booking/mail_sales.txt", **context),
                   reply_to=booking.email)


def deliver(message):
    """Build the mail for an outbox message of a booking kind and send it."""
    send(BUILDERS[message.kind](message))


BUILDERS = {
    "booking_request": visitor_mail,
    "booking_cancel": visitor_mail,
    "booking_sales_new": sales_mail,
    "booking_sales_cancel": sales_mail,
}
