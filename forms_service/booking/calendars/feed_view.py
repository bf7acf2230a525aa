"""GET /calendar/<token>.ics: a consultant's private feed of booked meetings."""

from flask import Blueprint, abort, current_app

from ..blueprint import now
from .entry import language
from .feeds import feed_body, owner

bp = Blueprint("calendar_feed", __name__)


@bp.get("/calendar/<token>.ics")
def feed(token):
    """The meetings of the consultant whose token this is; 404 for any other token."""
    key = owner(token)
    person = current_app.extensions["booking_availability"].consultant(key) if key else None
    if person is None:
        abort(404)  # revoked, rotated, forged, or a consultant no longer in the file
    body = feed_body(person, language(), now())
    return body, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        # Calendar apps fetch it again on their own schedule; no proxy may keep a copy.
        "Cache-Control": "private, no-cache",
        "X-Robots-Tag": "noindex",
    }
