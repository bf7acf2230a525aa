"""A booked meeting: who, when, with which consultant, and its calendar identity."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db
from ..models import SourceColumns, utcnow

CONFIRMED = "confirmed"
CANCELLED = "cancelled"


class Booking(SourceColumns, db.Model):
    """One meeting. Times are naive UTC, like every other timestamp of the service.

    blocked_until is the end plus the buffer: the database refuses two confirmed
    bookings of one consultant whose [starts_at, blocked_until) ranges overlap
    (an exclusion constraint on PostgreSQL, a trigger on SQLite; see migration 0002).
    """

    __tablename__ = "bookings"
    __table_args__ = (
        Index("uq_bookings_consultant_start", "consultant", "starts_at", unique=True,
              sqlite_where=text("status = 'confirmed'"),
              postgresql_where=text("status = 'confirmed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    consultant: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    blocked_until: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default=CONFIRMED)
    sequence: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    company: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    topics: Mapped[str] = mapped_column(String(200), default="")  # comma-separated keys
    message: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(12))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    consent_text: Mapped[str] = mapped_column(Text)
    consent_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    # Who cancelled: "visitor" (the manage link) or "staff" (the desk).
    cancelled_by: Mapped[str | None] = mapped_column(String(12))
    # Rows moved before migration 0012 were cancelled and replaced by a new row; a move
    # now changes the booking in place (same UID, SEQUENCE + 1) and adds a BookingEvent.
    replaced_by: Mapped[int | None]

    @property
    def topic_list(self):
        return [t for t in self.topics.split(",") if t]


# What happened to a booking (BookingEvent.kind), and who did it (BookingEvent.by).
BOOKED, MOVED = "booked", "moved"
VISITOR, STAFF = "visitor", "staff"


class BookingEvent(db.Model):
    """One step in a booking's history: booked, moved (from -> to) or cancelled.

    Each row keeps the meeting as it stood after the step (time, consultant, SEQUENCE), so
    the mails queued with it describe that step even when a later one has changed the row.
    """

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # booked / moved / cancelled
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(12))  # visitor / staff
    staff_email: Mapped[str | None] = mapped_column(String(254))
    # How a booking came in: "web" (the booking form) or "phone" (staff booking for a caller).
    via: Mapped[str | None] = mapped_column(String(12))
    consultant: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    sequence: Mapped[int] = mapped_column(default=0)
    from_consultant: Mapped[str | None] = mapped_column(String(40))
    from_starts_at: Mapped[datetime | None]
    from_ends_at: Mapped[datetime | None]
