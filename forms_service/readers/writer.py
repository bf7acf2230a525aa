"""Write batches of views to the database: one transaction per batch, counted once."""

import json
import logging
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..db import db
from ..models import utcnow
from .models import DIMENSIONS, ReaderBatch, ReaderCount, ReaderDay, ReaderSalt, ReaderSeen

log = logging.getLogger(__name__)


def _insert(table):
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _new_targets(seen):
    """Counter of targets whose visitor token the database had not seen yet today."""
    targets = {(date.fromisoformat(json.loads(target)[1]), token): target
               for token, target in seen.items()}
    new = Counter()
    if not targets:
        return new
    table = ReaderSeen.__table__
    # One compiled statement, sent as multi-row INSERTs by SQLAlchemy's insertmanyvalues
    # (compiling a VALUES list per chunk cost more CPU than the database's work).
    stmt = _insert(table).on_conflict_do_nothing().returning(table.c.day, table.c.token)
    rows = [{"day": day, "token": token} for day, token in sorted(targets)]
    for day, token in db.session.execute(stmt, rows):
        new[targets[(day, token)]] += 1
    return new


def _add_counts(views, new):
    table = ReaderCount.__table__
    rows = []
    for row, count in views.items():
        day, *values = json.loads(row)
        target = json.dumps(["r", day, *values], separators=(",", ":"))
        rows.append({"day": date.fromisoformat(day), **dict(zip(DIMENSIONS, values, strict=True)),
                     "views": count, "visitors": new.get(target, 0)})
    if rows:
        stmt = _insert(table)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["day", *DIMENSIONS],
            set_={"views": table.c.views + stmt.excluded.views,
                  "visitors": table.c.visitors + stmt.excluded.visitors}), rows)
    table = ReaderDay.__table__
    days = []
    for target, count in new.items():
        kind, day, *language = json.loads(target)
        if kind == "d":
            days.append({"day": date.fromisoformat(day), "language": language[0],
                         "visitors": count})
    if days:
        stmt = _insert(table)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["day", "language"],
            set_={"visitors": table.c.visitors + stmt.excluded.visitors}), days)


def write(batch):
    """Add batch to the aggregates; True when it is in the database (now or before)."""
    try:
        db.session.add(ReaderBatch(id=batch.id))
        db.session.flush()
        _add_counts(batch.views, _new_targets(batch.seen))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # Written before: another process wrote this batch (an orphan in Redis), or this
        # one did and died before it was deleted.
        return db.session.get(ReaderBatch, batch.id) is not None
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("readers: could not write %d views, kept for the next flush: %s",
                    sum(batch.views.values()), exc)
        return False
    return True


def purge(today, retention_days):
    """Delete past days' salts and visitor tokens, and aggregates older than the retention."""
    db.session.execute(delete(ReaderSalt).where(ReaderSalt.day < today))
    db.session.execute(delete(ReaderSeen).where(ReaderSeen.day < today))
    oldest = today - timedelta(days=retention_days)
    db.session.execute(delete(ReaderCount).where(ReaderCount.day < oldest))
    db.session.execute(delete(ReaderDay).where(ReaderDay.day < oldest))
    # A batch id only has to outlive the orphan wait of stores.py.
    db.session.execute(delete(ReaderBatch).where(
        ReaderBatch.written_at < utcnow() - timedelta(days=1)))
    db.session.commit()


def salts_left():
    """Days whose salt is still stored (tests and the README's claim)."""
    return db.session.scalars(select(ReaderSalt.day)).all()
