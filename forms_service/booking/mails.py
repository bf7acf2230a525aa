"""The booking mails, built by the outbox worker from the stored booking.

Kinds: booking_request / booking_cancel go to the visitor in their language with an
.ics invite; booking_sales_new / booking_sales_cancel go to FORMS_SALES_EMAIL.
"""

from flask import current_app, render_template, url_for
from flask_babel import gettext

from ..db import db
from ..i18n import language_of
from ..mailer import new_mail, send
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
    }


def _organizer(booking):
    consultant = current_app.extensions["booking_availability"].consultant(booking.consultant)
    if consultant:
        return consultant.name, consultant.email
    return "Normkraft", current_app.config["SALES_EMAIL"]


def visitor_mail(message):
    """The confirmation (or cancellation) for the visitor, with the .ics invite."""
    booking = db.session.get(Booking, message.booking_id)
    language = message.language
    with language_of(language):
        cancel = message.kind == "booking_cancel"
        context = _context(booking, language)
        context["cancelled"] = cancel
        context["link"] = None if cancel else url_for(
            "booking.manage", token=manage_token(booking), _external=True)
        if cancel:
            subject = gettext("Your meeting with Normkraft is cancelled")
        else:
            subject = gettext("Your meeting with Normkraft is booked")
        msg = new_mail(booking.email, subject, current_app.config["SALES_EMAIL"])
        msg.set_content(render_template("booking/mail_visitor.txt", **context))
        msg.add_alternative(render_template("booking/mail_visitor.html", **context), subtype="html")
        method = "CANCEL" if cancel else "REQUEST"
        ics = invite(booking, method=method, sequence=max(booking.sequence, 1) if cancel else 0,
                     organizer=_organizer(booking),
                     summary=gettext("Meeting with Normkraft"),
                     description=render_template("booking/invite.txt", **context))
        msg.add_attachment(ics, maintype="text", subtype="calendar", filename="invite.ics",
                           params={"method": method})
        return msg


def sales_mail(message):
    """The notification to sales with every detail the visitor gave."""
    booking = db.session.get(Booking, message.booking_id)
    language = message.language
    with language_of(language):
        cancel = message.kind == "booking_sales_cancel"
        context = _context(booking, language)
        context["cancelled"] = cancel
        company = " ".join(booking.company.split())  # one header line
        if cancel:
            subject = gettext("Meeting cancelled: %(company)s", company=company)
        else:
            subject = gettext("New meeting booked: %(company)s", company=company)
        msg = new_mail(current_app.config["SALES_EMAIL"], subject, booking.email)
        msg.set_content(render_template("booking/mail_sales.txt", **context))
        return msg


def deliver(message):
    """Build the mail for an outbox message of a booking kind and send it."""
    send(BUILDERS[message.kind](message))


BUILDERS = {
    "booking_request": visitor_mail,
    "booking_cancel": visitor_mail,
    "booking_sales_new": sales_mail,
    "booking_sales_cancel": sales_mail,
}
