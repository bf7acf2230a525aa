"""CRM webhooks: every new lead, and every booking made, moved or cancelled, is POSTed,
signed, through the outbox (events lead.created, booking.created, booking.moved and
booking.cancelled).

The receivers of the events (events.py) queue one
delivery per URL in the transaction of the write, so a rolled-back write sends nothing.

The body is signed with HMAC-SHA256 over "<timestamp>.<body>", keyed with
FORMS_WEBHOOK_SECRET, and sent as X-Normkraft-Signature: sha256=<hex>, with the
timestamp (Unix seconds) in X-Normkraft-Timestamp. A receiver recomputes the
signature and refuses timestamps older than a few minutes (replays).
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import insert

from ..db import db
from ..events import booking_cancelled, booking_made, booking_moved, lead_created
from ..outbox import enqueue
from .models import WebhookDelivery
from .queries import standard_of

KIND = "webhook"


def sign(secret, timestamp, body):
    """The signature header value for body (bytes) sent at timestamp."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _when(value):
    return value.isoformat() + "Z" if value else None


def lead_payload(lead):
    return {"id": lead.id, "email": lead.email, "name": lead.name, "language": lead.language,
            "page_url": lead.page_url, "standard": standard_of(lead.page_url),
            "referrer": lead.referrer, "utm_source": lead.utm_source,
            "utm_medium": lead.utm_medium, "utm_campaign": lead.utm_campaign,
            "utm_term": lead.utm_term, "utm_content": lead.utm_content,
            "created_at": _when(lead.created_at)}


def booking_payload(booking):
    return {"id": booking.id, "uid": booking.uid, "email": booking.email, "name": booking.name,
            "company": booking.company, "phone": booking.phone, "topics": booking.topic_list,
            "message": booking.message, "language": booking.language,
            "starts_at": _when(booking.starts_at), "ends_at": _when(booking.ends_at),
            "time_zone": booking.time_zone, "consultant": booking.consultant,
            "page_url": booking.page_url, "created_at": _when(booking.created_at)}


def on_lead_created(app, connection, lead, **rows):
    _queue(app, connection, "lead.created", lead_payload(lead), lead.language, lead_id=lead.id)


def on_booking_made(app, connection, booking, **rows):
    _queue(app, connection, "booking.created", booking_payload(booking), booking.language,
           booking_id=booking.id)


def on_booking_moved(app, connection, booking, **rows):
    # The same booking (same id and UID) at its new time.
    _queue(app, connection, "booking.moved", booking_payload(booking), booking.language,
           booking_id=booking.id)


def on_booking_cancelled(app, connection, booking, **rows):
    _queue(app, connection, "booking.cancelled", booking_payload(booking), booking.language,
           booking_id=booking.id)


def _queue(app, connection, name, data, language, **refs):
    """One delivery per receiver, queued in the transaction of the write (events.py)."""
    urls = app.config["WEBHOOK_URLS"]
    if not urls:
        return
    body = json.dumps({"event": name, "data": data}, ensure_ascii=False)
    for url in urls:
        outbox_id = enqueue(connection, KIND, language, **refs)
        connection.execute(insert(WebhookDelivery.__table__).values(
            outbox_id=outbox_id, event=name, url=url, body=body))


def listen():
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    lead_created.connect(on_lead_created)
    booking_made.connect(on_booking_made)
    booking_moved.connect(on_booking_moved)
    booking_cancelled.connect(on_booking_cancelled)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # A redirect is a failed delivery: the POST must reach the exact URL.


_opener = urllib.request.build_opener(_NoRedirects)


def destination(message):
    """The receiver a webhook message goes to (its own circuit breaker)."""
    delivery = db.session.get(WebhookDelivery, message.id)
    # Without its delivery row the message fails in deliver(), counted against no receiver.
    return delivery.url if delivery is not None else KIND


def deliver(message):
    """POST the stored body; raise (so the outbox retries) unless the answer is 2xx."""
    delivery = db.session.get(WebhookDelivery, message.id)
    secret = current_app.config["WEBHOOK_SECRET"]
    if not secret:
        raise RuntimeError("FORMS_WEBHOOK_SECRET is not set")
    if urlsplit(delivery.url).scheme not in {"http", "https"}:
        raise RuntimeError("webhook URL must be http or https")
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(delivery.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Normkraft-Webhooks/1",
        "X-Normkraft-Event": delivery.event,
        "X-Normkraft-Delivery": str(message.id),
        "X-Normkraft-Timestamp": timestamp,
        "X-Normkraft-Signature": sign(secret, timestamp, body),
    })
    try:
        with _opener.open(request, timeout=current_app.config["WEBHOOK_TIMEOUT"]) as response:
            delivery.response_status = response.status
    except urllib.error.HTTPError as exc:
        delivery.response_status = exc.code
        exc.close()
        raise RuntimeError(f"HTTP {exc.code}") from None
