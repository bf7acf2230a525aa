"""Stored data: leads, the consent each one gave, and the mail outbox."""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import db


def utcnow():
    """Return the current time in UTC without tzinfo (stored as naive UTC everywhere)."""
    return datetime.now(UTC).replace(tzinfo=None)


class SourceColumns:
    """Where a lead or a booking came from: the page (an article, with its UTM query), the
    referrer, the UTM parameters, and the bot signals it was flagged with (comma-separated
    names, or None; bot_signals.py)."""

    page_url: Mapped[str | None] = mapped_column(String(2000))
    referrer: Mapped[str | None] = mapped_column(String(2000))
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    utm_term: Mapped[str | None] = mapped_column(String(200))
    utm_content: Mapped[str | None] = mapped_column(String(200))
    bot_signals: Mapped[str | None] = mapped_column(String(200))


class Lead(SourceColumns, db.Model):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    consents: Mapped[list["Consent"]] = relationship(back_populates="lead")


class Consent(db.Model):
    """The exact consent text a lead agreed to, with the privacy policy version."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    language: Mapped[str] = mapped_column(String(12))
    version: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)

    lead: Mapped[Lead] = relationship(back_populates="consents")


class OutboxMessage(db.Model):
    """A message to deliver (a mail, a webhook, ...), written in the transaction of its write."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    # Booking mails (forms_service/booking) point at their booking instead of a lead.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    # The step of the booking's history the mail tells about (booking_events.id).
    booking_event_id: Mapped[int | None]
    kind: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(12))
    # pending/sending/sent/failed
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class OutboxDestination(db.Model):
    """The circuit breaker of one destination of the outbox (the SMTP server, a webhook URL)."""

    __tablename__ = "outbox_destinations"

    key: Mapped[str] = mapped_column(String(2000), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)  # in a row
    open_until: Mapped[datetime | None]  # paused until then
    last_error: Mapped[str | None] = mapped_column(Text)
    last_failure_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
