"""The daily digest for sales: yesterday's new leads and the meetings coming up.

`flask digest send` only queues it; the outbox worker builds the mail when it sends,
so a person erased in between never appears in it.
"""

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import gettext
from sqlalchemy import select

from ..booking.forms import topic_labels
from ..booking.models import CONFIRMED, Booking
from ..db import db
from ..i18n import language_of
from ..mailer import compose, send
from ..models import Lead, OutboxMessage, utcnow
from ..outbox import wake_worker
from .queries import standard_of

KIND = "digest"
WINDOW = timedelta(hours=24)


def queue_digest():
    """Queue today's digest in the outbox; return the message id."""
    message = OutboxMessage(kind=KIND, language=current_app.config["DEFAULT_LANGUAGE"])
    db.session.add(message)
    db.session.commit()
    wake_worker()
    return message.id


def build_digest(since, until, language):
    """The digest mail covering leads from [since, until) and meetings after until."""
    config = current_app.config
    leads = list(db.session.scalars(select(Lead).where(
        Lead.created_at >= since, Lead.created_at < until).order_by(Lead.created_at)))
    horizon = until + timedelta(days=config["DIGEST_UPCOMING_DAYS"])
    meetings = list(db.session.scalars(select(Booking).where(
        Booking.status == CONFIRMED, Booking.starts_at >= until, Booking.starts_at < horizon)
        .order_by(Booking.starts_at)))
    context = {"leads": leads, "meetings": meetings, "language": language,
               "standard_of": standard_of, "days": config["DIGEST_UPCOMING_DAYS"],
               "topics": lambda booking: ", ".join(topic_labels(booking.topic_list, language))}
    with language_of(language):
        # Counts only in the headers: names and addresses stay in the body.
        subject = gettext("Normkraft digest: %(leads)s new leads, %(meetings)s meetings",
                          leads=len(leads), meetings=len(meetings))
        return compose(config["SALES_EMAIL"], subject,
                       text=render_template("desk/digest.txt", **context),
                       html=render_template("desk/digest.html", **context))


def deliver(message):
    """Build and send the digest covering the day before it was queued."""
    until = message.created_at or utcnow()
    send(build_digest(until - WINDOW, until, message.language))
