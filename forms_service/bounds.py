"""Numbers taken from URLs and links stay within what the database's columns hold."""

import builtins

from werkzeug.routing import IntegerConverter

# Every id column is SQL INTEGER: 32-bit signed on PostgreSQL (SQLite would take 64 bits).
# A larger number cannot name a row, and PostgreSQL rejects it outright (a 500, not a 404).
MAX_ID = 2**31 - 1


def is_id(value):
    """Whether value (from JSON, say) can be the id of a row: a positive int up to MAX_ID."""
    return type(value) is int and 0 < value <= MAX_ID  # bool is an int too: refuse it


class IdConverter(IntegerConverter):
    """The `<int:...>` URL converter, refusing numbers above MAX_ID (so they are a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        # A route may narrow the range (`<int(max=9):n>`), never widen it.
        low = -MAX_ID - 1 if min is None else builtins.max(min, -MAX_ID - 1)
        high = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits, low, high, signed)


def init_app(app):
    """Make `<int:...>` in every route of the app the bounded converter."""
    app.url_map.converters["int"] = IdConverter
