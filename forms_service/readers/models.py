"""What the reader count keeps: aggregates per day, and what a day needs while it lasts.

reader_counts holds the only lasting numbers: views and daily visitors per day, page,
language, referrer host, UTM source/medium/campaign and screen class. reader_days holds the
whole site's daily visitors per language ("" for all languages), which a sum over pages
cannot give. reader_salts and reader_seen live for one day: the day's random salt and the
keyed hashes already counted as a visitor; both are deleted once the day is over.
reader_batches records each batch written, so a batch applied twice (a flush that died
between the database's commit and Redis's delete) counts once.
"""

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db
from ..models import utcnow

# The dimensions of one aggregate row, in the order the counting stores keep them.
DIMENSIONS = ("path", "language", "referrer_host", "utm_source", "utm_medium",
              "utm_campaign", "screen")


class ReaderCount(db.Model):
    __tablename__ = "reader_counts"
    __table_args__ = (UniqueConstraint("day", *DIMENSIONS, name="uq_reader_counts_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    path: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(12))
    referrer_host: Mapped[str] = mapped_column(String(253))
    utm_source: Mapped[str] = mapped_column(String(100))
    utm_medium: Mapped[str] = mapped_column(String(100))
    utm_campaign: Mapped[str] = mapped_column(String(100))
    screen: Mapped[str] = mapped_column(String(8))
    views: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)


class ReaderDay(db.Model):
    __tablename__ = "reader_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    language: Mapped[str] = mapped_column(String(12), primary_key=True)
    visitors: Mapped[int] = mapped_column(Integer, default=0)


class ReaderSalt(db.Model):
    __tablename__ = "reader_salts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))


class ReaderSeen(db.Model):
    __tablename__ = "reader_seen"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), primary_key=True)


class ReaderBatch(db.Model):
    __tablename__ = "reader_batches"
    __table_args__ = (Index("ix_reader_batches_written_at", "written_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
