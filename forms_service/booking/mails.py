"""The booking mails, built by the outbox worker from the stored booking.

Kinds: booking_request / booking_cancel go to the visitor in their language with an
.ics invite; booking_sales_new / booking_sales_cancel go to FORMS_SALES_EMAIL.
"""

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template, url_for

from ..db import db
from ..i18n import translate
from ..mailer import send, smtp_address
from .display import HOME_ZONE, as_utc, when, zone_or_home
from .forms import topic_labels
from .ics import invite
from .models import Booking
from .tokens import manage_token


def _envelope(to, subject, reply_to):
    config = current_app.config
    msg = EmailMessage()
    # Only our settings and validated addresses reach the headers.
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = smtp_address(to)
    msg["Reply-To"] = smtp_address(reply_to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2].strip("> "))
    return msg


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


def visitor_mail(message):
    """The confirmation (or cancellation) for the visitor, with the .ics invite."""
    booking = db.session.get(Booking, message.booking_id)
    language = message.language
    cancel = message.kind == "booking_cancel"
    context = _context(booking, language)
    context["cancelled"] = cancel
    context["link"] = None if cancel else url_for(
        "booking.manage", token=manage_token(booking), _external=True)
    if cancel:
        subject = translate("Your meeting with Normkraft is cancelled", language)
    else:
        subject = translate("Your meeting with Normkraft is booked", language)
    msg = _envelope(booking.email, subject, current_app.config["SALES_EMAIL"])
    msg.set_content(render_template("booking/mail_visitor.txt", **context))
    msg.add_alternative(render_template("booking/mail_visitor.html", **context), subtype="html")
    method = "CANCEL" if cancel else "REQUEST"
    ics = invite(booking, method=method, sequence=max(booking.sequence, 1) if cancel else 0,
                 organizer=_organizer(booking),
                 summary=translate("Meeting with Normkraft", language),
                 description=render_template("booking/invite.txt", **context))
    msg.add_attachment(ics, maintype="text", subtype="calendar", filename="invite.ics",
                       params={"method": method})
    return msg


def sales_mail(message):
    """The notification to sales with every detail the visitor gave."""
    booking = db.session.get(Booking, message.booking_id)
    language = message.language
    cancel = message.kind == "booking_sales_cancel"
    context = _context(booking, language)
    context["cancelled"] = cancel
    company = " ".join(booking.company.split())  # one header line
    if cancel:
        subject = translate("Meeting cancelled: %(company)s", language, company=company)
    else:
        subject = translate("New meeting booked: %(company)s", language, company=company)
    msg = _envelope(current_app.config["SALES_EMAIL"], subject, booking.email)
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
