"""What the desk stores: staff users, booking follow-ups, webhook deliveries, erasures."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db
from ..models import utcnow

# What sales record after a meeting ("new": nothing yet). Cancelling is the calendar's
# (bookings.status and cancelled_by), not a follow-up status: see desk/lifecycle.py.
OUTCOMES = ("held", "no-show", "won", "lost")
FOLLOW_UP_STATUSES = ("new", *OUTCOMES)


class StaffUser(db.Model):
    """A sales person who may use the desk; the password is an argon2 hash."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # `flask users disable`: no login, and every session of the user ended.
    disabled_at: Mapped[datetime | None]


class DeskSession(db.Model):
    """A logged-in desk session; the cookie carries a random token, this row its hash.

    Deleting the row ends the session on the server, whatever copies of the cookie exist.
    """

    __tablename__ = "desk_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(db.Model):
    """The outcome sales recorded for a booking, and their notes."""

    __tablename__ = "booking_follow_ups"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="new")
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(254))
    # The status before migration 0006 when it changed meaning (contacted, done, cancelled).
    previous_status: Mapped[str | None] = mapped_column(String(12))


class WebhookDelivery(db.Model):
    """The request behind an outbox message of kind "webhook": where to, and what."""

    __tablename__ = "webhook_deliveries"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), primary_key=True)
    event: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(2000))
    body: Mapped[str] = mapped_column(Text)
    response_status: Mapped[int | None]


class Erasure(db.Model):
    """A record that data was erased, without the data: a keyed hash and the counts."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(20))  # request / retention
    email_hash: Mapped[str | None] = mapped_column(String(64))
    leads: Mapped[int] = mapped_column(default=0)
    bookings: Mapped[int] = mapped_column(default=0)
    messages: Mapped[int] = mapped_column(default=0)
    actor: Mapped[str] = mapped_column(String(254))
