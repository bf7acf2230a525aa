"""The consultants' calendars: whether each one can be read, and when it last was."""

from flask import Blueprint, current_app, g, render_template
from flask_babel import gettext

from ..booking.calendars import states

bp = Blueprint("calendars", __name__)
STATES = {
    "ok": "Read",
    "stale": "Cannot be read; the last reading is used",
    "closed": "Cannot be read; slots closed",
    "unread": "Not read yet",
}


@bp.get("/calendars")
def calendars():
    """One row per consultant with a calendar: kind, address, state, last read, last error."""
    rows = states(current_app.extensions["booking_availability"])
    return render_template("desk/calendars.html", rows=rows, states=STATES, lang=g.lang,
                           title=gettext("Calendars"))
