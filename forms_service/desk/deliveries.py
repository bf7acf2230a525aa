"""The webhook deliveries and how each one went."""

from flask import Blueprint, g, render_template, request
from sqlalchemy import select

from ..i18n import translate
from ..models import OutboxMessage
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
    outcomes = [("", translate("All"))] + [(key, translate(key)) for key in OUTCOMES]
    return render_template("desk/deliveries.html", rows=rows, page=page,
                           more=more, outcome=outcome, outcomes=outcomes,
                           lang=g.lang, title=translate("Webhook deliveries"))
