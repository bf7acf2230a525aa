"""The webhook deliveries and how each one went."""

from flask import Blueprint, g, render_template
from sqlalchemy import select

from ..db import db
from ..i18n import translate
from ..models import OutboxMessage
from .models import WebhookDelivery

bp = Blueprint("deliveries", __name__)
SHOWN = 200


@bp.get("/deliveries")
def deliveries():
    """The latest webhook deliveries: event, address, outcome, attempts."""
    rows = db.session.execute(
        select(OutboxMessage, WebhookDelivery)
        .join(WebhookDelivery, WebhookDelivery.outbox_id == OutboxMessage.id)
        .order_by(OutboxMessage.id.desc()).limit(SHOWN)).all()
    return render_template("desk/deliveries.html", rows=rows, lang=g.lang,
                           title=translate("Webhook deliveries"))
