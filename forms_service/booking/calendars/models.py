"""The last reading of each consultant's calendar, shared by every process (migration 0007)."""

from datetime import datetime

from sqlalchemy import String, Text
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
