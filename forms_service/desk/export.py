"""CSV and JSON exports of the filtered lists, streamed row by row.

Times are ISO 8601 with the Europe/Stockholm offset (a time_zone column names the zone), the
consultant is named, and the source is readable: the article's title, path and standard,
the UTM parameters and the referrer with its host.
"""

import csv
import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, g, stream_with_context

from ..booking.display import HOME_ZONE, as_utc
from ..booking.forms import topic_labels
from ..db import db
from ..models import utcnow
from .articles import article_index, describe
from .filters import filter_form
from .queries import booking_query, lead_query
from .templating import consultant_name

bp = Blueprint("export", __name__)
BATCH = 500
# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def local_time(value):
    """A stored UTC time as ISO 8601 in the home zone, with its offset; "" for None."""
    if value is None:
        return None
    return as_utc(value).astimezone(ZoneInfo(HOME_ZONE)).isoformat()


def _source(row, source):
    return {"article_title": source.title, "article_path": source.path,
            "standard": source.standard, "page_url": row.page_url,
            **{key: getattr(row, key) for key in UTM},
            "referrer": row.referrer, "referrer_host": source.referrer_host}


def lead_record(row, language, index):
    """One exported lead."""
    return {"id": row.id, "created_at": local_time(row.created_at), "time_zone": HOME_ZONE,
            "name": row.name, "email": row.email, "language": row.language,
            "status": "confirmed" if row.confirmed_at else "unconfirmed",
            "confirmed_at": local_time(row.confirmed_at),
            **_source(row, describe(row, language, index)), "bot_signals": row.bot_signals}


def booking_record(row, language, index):
    """One exported booking."""
    return {"id": row.id, "starts_at": local_time(row.starts_at),
            "ends_at": local_time(row.ends_at), "time_zone": HOME_ZONE, "stage": row.stage,
            "consultant": consultant_name(row.consultant), "name": row.name,
            "company": row.company, "email": row.email, "phone": row.phone,
            "topics": ", ".join(topic_labels([t for t in row.topics.split(",") if t],
                                             language)),
            "language": row.language, "message": row.message, "notes": row.notes,
            "booked_at": local_time(row.created_at),
            **_source(row, describe(row, language, index)), "bot_signals": row.bot_signals}


SOURCE_FIELDS = ("article_title", "article_path", "standard", "page_url", *UTM, "referrer",
                 "referrer_host")
LEAD_FIELDS = ("id", "created_at", "time_zone", "name", "email", "language", "status",
               "confirmed_at", *SOURCE_FIELDS, "bot_signals")
BOOKING_FIELDS = ("id", "starts_at", "ends_at", "time_zone", "stage", "consultant", "name",
                  "company", "email", "phone", "topics", "language", "message", "notes",
                  "booked_at", *SOURCE_FIELDS, "bot_signals")
KINDS = {"leads": (lead_query, lead_record, LEAD_FIELDS),
         "bookings": (booking_query, booking_record, BOOKING_FIELDS)}


def safe_cell(value):
    """The value as CSV text; a would-be formula is prefixed with ' so it stays text."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(records, fields):
    """Yield the CSV: a UTF-8 BOM and the header, then one line per record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells):
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(fields)
    for record in records:
        yield line([safe_cell(record[field]) for field in fields])


def json_chunks(records):
    """Yield a JSON array, one object per record."""
    yield "["
    for number, record in enumerate(records):
        yield ("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"


def stream_records(query, make_record, language):
    """Records built from rows fetched BATCH at a time (a server-side cursor on PostgreSQL)."""
    index = article_index()
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    for row in result:
        yield make_record(row, language, index)


@bp.get("/export/<any(leads, bookings):kind>.<any(csv, json):fmt>")
def export(kind, fmt):
    """Download the list as filtered on its page."""
    make_query, make_record, fields = KINDS[kind]
    records = stream_records(make_query(filter_form(kind).values()), make_record, g.lang)
    if fmt == "csv":
        body, mimetype = csv_lines(records, fields), "text/csv; charset=utf-8"
    else:
        body, mimetype = json_chunks(records), "application/json"
    name = f"{kind}-{utcnow():%Y%m%d-%H%M}.{fmt}"
    return Response(stream_with_context(body), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
