"""The consultants' calendars: whether each can be read, the writes into them, the feeds."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from ..booking.calendars import feeds, states, writeback
from ..db import db
from ..models import OutboxMessage
from .gate import current_user

bp = Blueprint("calendars", __name__)
STATES = {
    "ok": "Read",
    "stale": "Cannot be read; the last reading is used",
    "closed": "Cannot be read; slots closed",
    "unread": "Not read yet",
}


def _availability():
    return current_app.extensions["booking_availability"]


def _writes():
    """{consultant key: {"waiting": n, "failed": n, "error": last error}} of calendar writes."""
    from ..booking.models import Booking

    rows = db.session.execute(
        select(Booking.consultant, OutboxMessage.status, func.count(),
               func.max(OutboxMessage.last_error))
        .join(Booking, Booking.id == OutboxMessage.booking_id)
        .where(OutboxMessage.kind.in_(writeback.KINDS),
               OutboxMessage.status.in_(("pending", "sending", "failed")))
        .group_by(Booking.consultant, OutboxMessage.status))
    writes = {}
    for key, status, count, error in rows:
        entry = writes.setdefault(key, {"waiting": 0, "failed": 0, "error": None})
        entry["failed" if status == "failed" else "waiting"] += count
        entry["error"] = entry["error"] or error
    return writes


def _page(new_feed=None, status=200):
    availability = _availability()
    page = render_template(
        "desk/calendars.html", rows=states(availability), states=STATES, lang=g.lang,
        consultants=availability.consultants, feeds=feeds.feeds(), writes=_writes(),
        new_feed=new_feed, webcal=feeds.webcal, title=gettext("Calendars"))
    return page, status, {"Cache-Control": "no-store"}


@bp.get("/calendars")
def calendars():
    """One row per consultant with a calendar (state, last read, last error), and the feeds."""
    return _page()


def _person(key):
    person = _availability().consultant(key)
    if person is None:
        abort(404)
    return person


@bp.post("/calendars/<key>/feed")
def new_feed(key):
    """Make a consultant's feed address, or a new one (the old stops working); shown once."""
    person = _person(key)
    token = feeds.issue(person.key, by=current_user().email)
    # Shown in this answer only: the database keeps the token's hash, never the token.
    return _page(new_feed={"consultant": person.key, "name": person.name,
                           "url": feeds.feed_url(token)})


@bp.post("/calendars/<key>/feed/revoke")
def revoke_feed(key):
    """Revoke a consultant's feed address: calendar apps get 404 from now on."""
    person = _person(key)
    if feeds.revoke(person.key):
        flash(gettext("The feed address of %(name)s no longer works.", name=person.name))
    return redirect(url_for("desk.calendars.calendars"), code=303)
