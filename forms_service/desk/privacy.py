"""Privacy requests: erase or export everything about one e-mail address; retention."""

import hashlib
import hmac
import logging
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, inspect, or_, select

from ..booking.calendars import writeback as calendar_writeback
from ..booking.models import Booking, BookingEvent
from ..db import db
from ..models import Consent, Lead, OutboxMessage, utcnow
from .models import Erasure, FollowUp, WebhookDelivery

log = logging.getLogger(__name__)


def normalize(email):
    return (email or "").strip().lower()


def email_hash(email):
    """A keyed hash of the address: proves an erasure later without storing the address."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalize(email).encode(), hashlib.sha256).hexdigest()


def _ids(model, email):
    return list(db.session.scalars(select(model.id).where(func.lower(model.email) == email)))


def _messages(lead_ids, booking_ids):
    return select(OutboxMessage.id).where(or_(OutboxMessage.lead_id.in_(lead_ids),
                                              OutboxMessage.booking_id.in_(booking_ids)))


def _erase(lead_ids, booking_ids):
    """Delete the leads and bookings and everything hanging off them; return the counts."""
    message_ids = list(db.session.scalars(_messages(lead_ids, booking_ids)))
    session = db.session
    calendar_writeback.erased(booking_ids)  # their events in the consultants' calendars
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.outbox_id.in_(message_ids)))
    session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(message_ids)))
    session.execute(delete(Consent).where(Consent.lead_id.in_(lead_ids)))
    session.execute(delete(FollowUp).where(FollowUp.booking_id.in_(booking_ids)))
    session.execute(delete(BookingEvent).where(BookingEvent.booking_id.in_(booking_ids)))
    session.execute(delete(Booking).where(Booking.id.in_(booking_ids)))
    session.execute(delete(Lead).where(Lead.id.in_(lead_ids)))
    return {"leads": len(lead_ids), "bookings": len(booking_ids), "messages": len(message_ids)}


def erase_person(email, actor):
    """Erase every lead, booking and queued or sent message of email; return the counts."""
    email = normalize(email)
    counts = _erase(_ids(Lead, email), _ids(Booking, email))
    db.session.add(Erasure(reason="request", email_hash=email_hash(email), actor=actor,
                           **counts))
    db.session.commit()
    log.info("desk privacy: erased %s (leads %s, bookings %s, messages %s) for %s",
             email_hash(email)[:12], counts["leads"], counts["bookings"], counts["messages"],
             actor)
    return counts


def purge_unconfirmed(days, actor="retention"):
    """Erase leads that never confirmed their address and last asked over days ago."""
    cutoff = utcnow() - timedelta(days=days)
    lead_ids = list(db.session.scalars(select(Lead.id).where(
        Lead.confirmed_at.is_(None), Lead.last_requested_at < cutoff)))
    counts = _erase(lead_ids, [])
    if lead_ids:
        db.session.add(Erasure(reason="retention", actor=actor, **counts))
    db.session.commit()
    log.info("desk privacy: retention purge of unconfirmed leads older than %s days: %s",
             days, counts["leads"])
    return counts


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def as_dict(row):
    """Every column of an ORM row, JSON-ready."""
    return {column.key: _plain(getattr(row, column.key))
            for column in inspect(row).mapper.column_attrs}


def export_person(email):
    """Everything stored about email, as a JSON-ready dict (a GDPR access request)."""
    email = normalize(email)
    lead_ids, booking_ids = _ids(Lead, email), _ids(Booking, email)
    messages = list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(_messages(lead_ids, booking_ids)))
        .order_by(OutboxMessage.id)))
    deliveries = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.outbox_id.in_([m.id for m in messages])))

    def rows(model, *conditions):
        return [as_dict(row) for row in db.session.scalars(select(model).where(*conditions))]

    return {
        "email": email,
        "exported_at": utcnow().isoformat(),
        "leads": rows(Lead, Lead.id.in_(lead_ids)),
        "consents": rows(Consent, Consent.lead_id.in_(lead_ids)),
        "bookings": rows(Booking, Booking.id.in_(booking_ids)),
        "booking_follow_ups": rows(FollowUp, FollowUp.booking_id.in_(booking_ids)),
        "messages": [as_dict(message) for message in messages],
        "webhook_deliveries": [as_dict(delivery) for delivery in deliveries],
    }
