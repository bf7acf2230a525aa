"""Calendar tables: the shared reading of each calendar (0007), copies and feeds (0010)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...db import db


class CalendarReading(db.Model):
    """Busy times of one consultant's calendar over a window, and how the last read went.

    busy is JSON: [[start, end], ...] in whole UTC seconds since the epoch, merged.
    read_at is the last good read; tried_at the last attempt, with error when it failed.
    """

    __tablename__ = "calendar_cache"

    consultant: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    busy: Mapped[str | None] = mapped_column(Text)
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    tried_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(String(300))


class CalendarCopy(db.Model):
    """Where a booking was last written in a consultant's CalDAV calendar (migration 0010).

    Kept so that a booking that changes consultant, or is cancelled, is removed from the
    calendar it was written to, whatever the availability file says now. booking_id is
    None once the booking was erased on request: the copy is then deleted by a sweep.
    """

    __tablename__ = "calendar_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"),
        unique=True)  # uq_calendar_copies_booking_id in migration 0010
    consultant: Mapped[str] = mapped_column(String(40))
    href: Mapped[str] = mapped_column(String(2000))
    sequence: Mapped[int]
    written_at: Mapped[datetime]


class CalendarFeed(db.Model):
    """A consultant's private feed of booked meetings: only the token's hash is kept."""

    __tablename__ = "calendar_feeds"

    consultant: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True)  # uq_calendar_feeds_token_hash in migration 0010
    created_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(String(254))
