"""Consultants' own calendars: their busy times block booking slots (issue 17).

Each consultant may name a CalDAV calendar or an iCalendar feed (source.py). Busy times
are read over the booking window and kept in the calendar_cache table for
CALENDAR_CACHE_SECONDS, so every process shares one reading. A booking checks the chosen
consultant's calendar again, live, just before its row is written. A calendar that cannot
be read fails closed: once its last good reading is older than CALENDAR_STALE_SECONDS,
that consultant's slots are not offered (the others' still are).
"""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...db import db
from .fetch import read_busy
from .models import CalendarReading
from .source import CalendarUnreadable

TABLE = CalendarReading.__table__
# Days read before today and after the horizon, so a reading serves a whole day's pages.
MARGIN = timedelta(days=1)


def _clock():
    clock = current_app.config.get("CALENDAR_CLOCK")
    return clock() if clock else datetime.now(UTC)


def _naive(moment):
    return moment.astimezone(UTC).replace(tzinfo=None)


def _aware(moment):
    return moment.replace(tzinfo=UTC) if moment else None


def _seconds(name):
    return timedelta(seconds=float(current_app.config[name]))


def _rows(keys):
    with db.engine.connect() as conn:
        return {row.consultant: row for row in conn.execute(
            select(TABLE).where(TABLE.c.consultant.in_(keys)))}


def _save(values):
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(TABLE).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[TABLE.c.consultant],
        set_={k: v for k, v in values.items() if k != "consultant"})
    with db.engine.begin() as conn:
        conn.execute(statement)


# This process's decoded copy of the last reading of each consultant: {key: (text, pairs)}.
# Comparing the text costs far less than decoding it again on every request.
_DECODED = {}


def _decode(row):
    kept = _DECODED.get(row.consultant)
    if kept is not None and kept[0] == row.busy:
        return kept[1]
    pairs = [(datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC))
             for a, b in json.loads(row.busy)]
    _DECODED[row.consultant] = (row.busy, pairs)
    return pairs


def _encode(periods):
    return json.dumps([[int(a.timestamp()), int(b.timestamp())] for a, b in periods],
                      separators=(",", ":"))


def _covers(row, start, end):
    """True when row holds a good reading of all of [start, end)."""
    return (row is not None and row.busy is not None and row.read_at is not None
            and _aware(row.window_start) <= start and end <= _aware(row.window_end))


def _usable_until(row):
    """When the last good reading of row stops being good enough to offer slots."""
    return _aware(row.read_at) + _seconds("CALENDAR_STALE_SECONDS")


def calendar_busy(availability, start, end, now):
    """{consultant key: busy (start, end) pairs} of every calendar, over [start, end).

    now is the booking clock: the window read covers the whole booking horizon, so one
    reading serves every page. A consultant whose calendar cannot be read, and whose last
    good reading is too old, is busy over all of [start, end).
    """
    people = [c for c in availability.consultants if c.calendar is not None]
    if not people:
        return {}
    real_now = _clock()
    fresh_for = _seconds("CALENDAR_CACHE_SECONDS")

    def fresh(row):
        return _covers(row, start, end) and real_now - _aware(row.read_at) < fresh_for

    # Until a reading is CALENDAR_CACHE_SECONDS old no process replaces it, so the copy
    # this process saw last is the row the table would give: no query needed.
    seen = current_app.extensions.setdefault("calendar_readings", {})

    def look(persons):
        """(busy pairs of those whose reading or recent failure serves, the rest, rows)."""
        rows = {c.key: seen[c.key] for c in persons if c.key in seen
                and seen[c.key].source == c.calendar.fingerprint and fresh(seen[c.key])}
        if len(rows) < len(persons):
            rows.update(_rows([c.key for c in persons if c.key not in rows]))
        found, rest = {}, []
        for person in persons:
            row = rows.get(person.key)
            if row is not None and row.source != person.calendar.fingerprint:
                row = rows[person.key] = None  # the file now points to another calendar
            if fresh(row):
                seen[person.key] = row
                found[person.key] = _decode(row)
            elif row is not None and row.error and real_now - _aware(row.tried_at) < fresh_for:
                # It failed a moment ago: do not make every request wait for it again.
                found[person.key] = _fallback(row, real_now, start, end)
            else:
                rest.append(person)
        return found, rest, rows

    busy, to_read, rows = look(people)
    if not to_read:
        return busy
    app = current_app._get_current_object()
    window = (min(start, now - MARGIN), max(end, now + availability.horizon + MARGIN))
    # One refresh at a time in a process: the requests that waited find it done.
    with app.extensions.setdefault("calendar_refresh", threading.Lock()):
        more, to_read, rows = look(to_read)
        busy.update(more)
        with ThreadPoolExecutor(max_workers=max(1, min(len(to_read), 8))) as pool:
            readings = list(pool.map(lambda p: _read(app, p, availability.zone, *window),
                                     to_read))
        for person, (periods, problem) in zip(to_read, readings, strict=True):
            if problem is None:
                values = {"consultant": person.key, "source": person.calendar.fingerprint,
                          "busy": _encode(periods), "window_start": _naive(window[0]),
                          "window_end": _naive(window[1]), "read_at": _naive(real_now),
                          "tried_at": _naive(real_now), "error": None}
                _save(values)
                seen[person.key] = SimpleNamespace(**values)
                busy[person.key] = periods
                continue
            current_app.logger.warning("calendar of %s unreadable: %s", person.key, problem)
            row = rows.get(person.key)
            kept = {name: getattr(row, name) if row is not None else None
                    for name in ("busy", "window_start", "window_end", "read_at")}
            _save({"consultant": person.key, "source": person.calendar.fingerprint, **kept,
                   "tried_at": _naive(real_now), "error": problem[:300]})
            busy[person.key] = _fallback(row, real_now, start, end)
    return busy


def forget():
    """Drop this process's copies of the readings (the table keeps them): a cold start."""
    current_app.extensions.pop("calendar_readings", None)
    _DECODED.clear()


def _fallback(row, real_now, start, end):
    """The last good reading while it is recent enough, else busy all the time."""
    if _covers(row, start, end) and real_now < _usable_until(row):
        return _decode(row)
    return [(start - MARGIN, end + MARGIN)]


def _read(app, person, zone, start, end):
    """(periods, None) or (None, why); runs in a worker thread, hence app is passed in."""
    try:
        return read_busy(person.calendar, zone, start, end,
                         float(app.config["CALENDAR_TIMEOUT"])), None
    except CalendarUnreadable as exc:
        return None, str(exc)


def busy_now(availability, key, start, end):
    """Busy pairs of key's calendar in [start, end), read live: the last check of a booking.

    When the calendar cannot be read, the cached reading stands in while it is recent
    enough; otherwise the whole range is busy.
    """
    person = availability.consultant(key)
    if person is None or person.calendar is None:
        return []
    app = current_app._get_current_object()
    periods, problem = _read(app, person, availability.zone, start, end)
    if problem is None:
        return periods
    current_app.logger.warning("calendar of %s unreadable at booking: %s", key, problem)
    row = _rows([key]).get(key)
    if row is not None and row.source != person.calendar.fingerprint:
        row = None
    return _fallback(row, _clock(), start, end)


def states(availability):
    """Each calendar's state for /ready and the desk: ok, stale, closed or unread.

    ok: the last read worked; stale: it failed, and the last good reading is still used;
    closed: it failed and that reading is too old, so the consultant's slots are closed.
    """
    people = [c for c in availability.consultants if c.calendar is not None]
    rows = _rows([c.key for c in people]) if people else {}
    real_now = _clock()
    answer = []
    for person in people:
        row = rows.get(person.key)
        if row is None or row.source != person.calendar.fingerprint:
            state, row = "unread", None
        elif row.error is None:
            state = "ok"
        elif row.read_at is not None and real_now < _usable_until(row):
            state = "stale"
        else:
            state = "closed"
        answer.append({
            "consultant": person.key, "name": person.name, "kind": person.calendar.kind,
            "address": person.calendar.label, "state": state,
            "read_at": _aware(row.read_at) if row else None,
            "tried_at": _aware(row.tried_at) if row else None,
            "error": row.error if row else None,
        })
    return answer

