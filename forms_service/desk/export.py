"""CSV and JSON exports of the filtered lists, streamed row by row."""

import csv
import io
import json
from datetime import date, datetime

from flask import Blueprint, Response, stream_with_context

from ..db import db
from ..models import utcnow
from .filters import filter_form
from .queries import booking_query, lead_query

bp = Blueprint("export", __name__)
BATCH = 500
# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUERIES = {"leads": lead_query, "bookings": booking_query}


def safe_cell(value):
    """The value as CSV text; a would-be formula is prefixed with ' so it stays text."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(rows, columns):
    """Yield the CSV: a UTF-8 BOM and the header, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells):
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(columns)
    for row in rows:
        yield line([safe_cell(value) for value in row])


def json_chunks(rows, columns):
    """Yield a JSON array, one object per row."""
    yield "["
    for number, row in enumerate(rows):
        item = {key: value.isoformat() if isinstance(value, date | datetime) else value
                for key, value in zip(columns, row, strict=True)}
        yield ("," if number else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]\n"


def stream_rows(query):
    """Rows fetched BATCH at a time (a server-side cursor on PostgreSQL)."""
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    yield from result


@bp.get("/export/<any(leads, bookings):kind>.<any(csv, json):fmt>")
def export(kind, fmt):
    """Download the list as filtered on its page."""
    filters = filter_form(kind).values()
    query = QUERIES[kind](filters)
    columns = [column.key if hasattr(column, "key") else column.name
               for column in query.selected_columns]
    rows = stream_rows(query)
    if fmt == "csv":
        body, mimetype = csv_lines(rows, columns), "text/csv; charset=utf-8"
    else:
        body, mimetype = json_chunks(rows, columns), "application/json"
    name = f"{kind}-{utcnow():%Y%m%d-%H%M}.{fmt}"
    return Response(stream_with_context(body), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
