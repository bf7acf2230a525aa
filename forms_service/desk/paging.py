"""One page of a desk list: the ?page= number, and the rows of that page."""

from flask import current_app, request
from sqlalchemy import func, select

from ..bounds import MAX_ID
from ..db import db


def page_number():
    """The requested page: 1 when missing, below one or not a number; at most MAX_ID.

    The bound keeps the OFFSET within PostgreSQL's bigint for any page size; a larger
    number, however many digits it has, is the last page (see page_rows).
    """
    digits = request.args.get("page", "").strip().lstrip("0")
    if not (digits.isascii() and digits.isdigit()):
        return 1
    return MAX_ID if len(digits) > len(str(MAX_ID)) else min(int(digits), MAX_ID)


def page_rows(query):
    """Return (page, rows, more) for the requested page of query.

    A page past the end shows the last page instead (the nearest one that exists); only then
    are the rows counted.
    """
    size = current_app.config["DESK_PAGE_SIZE"]
    page = page_number()
    rows = _rows(query, page, size)
    if not rows and page > 1:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None)
                                                                  .subquery()))
        page = max(1, -(-total // size))
        rows = _rows(query, page, size)
    return page, rows[:size], len(rows) > size


def _rows(query, page, size):
    return db.session.execute(query.limit(size + 1).offset((page - 1) * size)).all()
