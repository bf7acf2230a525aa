"""Desk sessions kept on the server: logout, a new password and `users disable` end them.

The signed cookie only carries a random token; the desk_sessions row (keyed by the token's
hash) is the session. Ending a session deletes its row, so a saved copy of the cookie opens
nothing afterwards. Every request checks the idle and the absolute timeout.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_

from ..db import db
from ..models import utcnow
from .models import DeskSession, StaffUser

# last_seen_at is written at most this often: reading a page is not a write each time.
TOUCH_EVERY = timedelta(seconds=60)


def _key(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _limits():
    config = current_app.config
    return (timedelta(minutes=config["DESK_IDLE_MINUTES"]),
            timedelta(hours=config["DESK_SESSION_HOURS"]))


def start(user):
    """Store a new session for user; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    idle, absolute = _limits()
    # Sessions nobody came back to are removed here rather than by a timer.
    db.session.execute(delete(DeskSession).where(or_(DeskSession.last_seen_at < now - idle,
                                                     DeskSession.created_at < now - absolute)))
    db.session.add(DeskSession(id=_key(token), user_id=user.id, created_at=now, last_seen_at=now))
    db.session.commit()
    return token


def end(token):
    """End the session of token (logout)."""
    if token:
        db.session.execute(delete(DeskSession).where(DeskSession.id == _key(token)))
        db.session.commit()


def end_all(user_id):
    """End every session of a user; return how many there were."""
    ended = db.session.execute(delete(DeskSession).where(DeskSession.user_id == user_id)).rowcount
    db.session.commit()
    return ended


def user_for(token):
    """The staff user of the live session with token, else None (an expired one is ended)."""
    if not token:
        return None
    row = db.session.get(DeskSession, _key(token))
    if row is None:
        return None
    now = utcnow()
    idle, absolute = _limits()
    user = db.session.get(StaffUser, row.user_id)
    if (user is None or user.disabled_at is not None or now - row.last_seen_at > idle
            or now - row.created_at > absolute):
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return user
