"""The webhook deliveries and how each one went."""

from flask import Blueprint, current_app, g, render_template, request
from sqlalchemy import select

from ..db import db
from ..i18n import translate
from ..models import OutboxMessage
from .leads import page_number
from .models import WebhookDelivery

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
    size = current_app.config["DESK_PAGE_SIZE"]
    page = page_number()
    rows = db.session.execute(query.limit(size + 1).offset((page - 1) * size)).all()
    outcomes = [("", translate("All"))] + [(key, translate(key)) for key in OUTCOMES]
    return render_template("desk/deliveries.html", rows=rows[:size], page=page,
                           more=len(rows) > size, outcome=outcome, outcomes=outcomes,
                           lang=g.lang, title=translate("Webhook deliveries"))
