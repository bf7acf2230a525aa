"""The webhook deliveries and how each one went."""

from flask import Blueprint, current_app, g, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from ..db import db
from ..models import OutboxDestination, OutboxMessage, utcnow
from ..outbox import SMTP_DESTINATION
from .models import WebhookDelivery
from .paging import page_rows

bp = Blueprint("deliveries", __name__)
# The ?outcome= filter: the outbox statuses each choice stands for.
OUTCOMES = {"pending": ("pending", "sending"), "sent": ("sent",), "failed": ("failed",)}


@bp.get("/deliveries")
def deliveries():
    """The webhook deliveries, newest first, a page at a time: event, address, outcome."""
    outcome = request.args.get("outcome", "")
    query = (select(OutboxMessage, WebhookDelivery)
             .join(WebhookDelivery, WebhookDelivery.outbox_id == OutboxMessage.id)
             .order_by(OutboxMessage.id.desc()))
    if outcome in OUTCOMES:
        query = query.where(OutboxMessage.status.in_(OUTCOMES[outcome]))
    else:
        outcome = ""  # an unknown choice shows everything, as "All" does
    page, rows, more = page_rows(query)
    outcomes = [("", gettext("All"))] + [(key, gettext(key)) for key in OUTCOMES]
    return render_template("desk/deliveries.html", rows=rows, page=page,
                           more=more, outcome=outcome, outcomes=outcomes,
                           receivers=receivers(),
                           lang=g.lang, title=gettext("Webhook deliveries"))


def receivers():
    """Each webhook receiver (configured or delivered to) and its circuit breaker's state."""
    rows = {row.key: row for row in db.session.scalars(
        select(OutboxDestination).where(OutboxDestination.key != SMTP_DESTINATION,
                                        OutboxDestination.key.not_like("calendar:%")))}
    now = utcnow()
    states = []
    for url in sorted(set(current_app.config["WEBHOOK_URLS"]) | set(rows)):
        row = rows.get(url)
        if row is None or (row.last_success_at is None and not row.failures):
            state, css = gettext("No deliveries yet"), "pending"
        elif row.open_until and row.open_until > now:
            state, css = gettext("Paused (failed attempts in a row: %(count)s) until",
                                 count=row.failures), "failed"
        elif row.failures:
            state, css = (
                gettext("Failed attempts in a row: %(count)s", count=row.failures),
                "failed",
            )
        else:
            state, css = gettext("Working"), "sent"
        states.append({"url": url, "state": state, "css": css, "row": row,
                       "paused_until": row.open_until if css == "failed" and row.open_until
                       and row.open_until > now else None})
    return states
