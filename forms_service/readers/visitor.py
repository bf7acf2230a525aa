"""The daily visitor key: a keyed hash of the day's random salt, the site, the address and
the browser, as Plausible counts visitors. The address and the browser are never stored;
the salt is deleted once its day is over, so no key can be recomputed or linked to another day.
"""

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import db
from .models import ReaderSalt

KEY_BYTES = 16


def visitor_key(salt, site, address, user_agent):
    """The visitor's key for the day of salt (16 bytes)."""
    data = "\x00".join((site, address or "", user_agent or "")).encode("utf-8", "replace")
    return hashlib.blake2b(data, key=salt, digest_size=KEY_BYTES).digest()


def token(key, *scope):
    """The key's hash for one thing counted once a day (a page row, the day): 32 hex digits."""
    data = "\x1f".join(scope).encode("utf-8")
    return hashlib.blake2b(data, key=key, digest_size=KEY_BYTES).hexdigest()


class Salts:
    """The salt of each day, shared by every process through the database, cached here."""

    def __init__(self):
        self._day = None
        self._salt = None

    def of(self, day):
        """The salt of day, made at its first view (whichever process sees it first)."""
        if self._day != day:
            self._salt, self._day = _stored_salt(day), day
        return self._salt


def _stored_salt(day):
    salt = db.session.scalar(select(ReaderSalt.salt).where(ReaderSalt.day == day))
    if salt is not None:
        return salt
    try:
        db.session.add(ReaderSalt(day=day, salt=secrets.token_bytes(32)))
        db.session.commit()
    except IntegrityError:
        # Another process made the day's salt first: use that one.
        db.session.rollback()
    return db.session.scalar(select(ReaderSalt.salt).where(ReaderSalt.day == day))
