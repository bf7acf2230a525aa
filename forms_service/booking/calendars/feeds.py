"""Private feeds of booked meetings, for consultants whose calendar we cannot write to.

Each consultant may have one feed address holding a random token; the table keeps only
the token's SHA-256, so the address is shown once, when it is made. Making a new one
replaces the old (which then answers 404), and revoking deletes it.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from ...db import db
from ...models import utcnow
from ..models import CONFIRMED, Booking
from .entry import booking_event, calendar_of
from .models import CalendarFeed

# Meetings this far back stay in the feed, so the week's past meetings are still there.
RECENT = timedelta(days=30)
MAX_EVENTS = 2000
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100


def _hash(token):
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(consultant, by=None):
    """Give consultant a new feed token (the old one stops working); return the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = db.session.get(CalendarFeed, consultant) or CalendarFeed(consultant=consultant)
    feed.token_hash, feed.created_at, feed.created_by = _hash(token), utcnow(), by
    db.session.add(feed)
    db.session.commit()
    return token


def revoke(consultant):
    """Delete consultant's feed token; False when there was none."""
    feed = db.session.get(CalendarFeed, consultant)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.commit()
    return True


def feeds():
    """{consultant key: CalendarFeed} of the feeds that exist."""
    return {feed.consultant: feed for feed in db.session.scalars(select(CalendarFeed))}


def owner(token):
    """The consultant whose feed token this is, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(select(CalendarFeed.consultant).where(
        CalendarFeed.token_hash == _hash(token)))


def feed_url(token):
    """The feed's address (https); calendar apps also take it as webcal://."""
    return url_for("calendar_feed.feed", token=token, _external=True)


def webcal(url):
    return "webcal://" + url.split("://", 1)[1]


def feed_body(person, lang, now):
    """The iCalendar text of person's confirmed meetings from RECENT ago onwards."""
    rows = db.session.scalars(
        select(Booking).where(Booking.consultant == person.key, Booking.status == CONFIRMED,
                              Booking.replaced_by.is_(None),
                              Booking.ends_at >= (now - RECENT).replace(tzinfo=None))
        .order_by(Booking.starts_at).limit(MAX_EVENTS))
    return calendar_of([booking_event(b, lang) for b in rows], name=f"Normkraft – {person.name}")
