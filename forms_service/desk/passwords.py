"""Staff users: argon2 password hashes, creation, and login with lockout."""

import logging
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import utcnow
from . import sessions
from .models import StaffUser

PASSWORD_MIN = 12
hasher = PasswordHasher()
log = logging.getLogger(__name__)
_dummy = {}


class UserError(ValueError):
    """A user cannot be created; the message says why."""


def _check_password(password):
    if len(password or "") < PASSWORD_MIN:
        raise UserError(f"users: the password needs at least {PASSWORD_MIN} characters")


def create_user(email, password):
    """Store a new staff user; raise UserError with a clear message on bad input."""
    try:
        email = validate_email(email or "", check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise UserError("users: the e-mail address is not valid") from None
    _check_password(password)
    user = StaffUser(email=email, password_hash=hasher.hash(password))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise UserError(f"users: {email} already exists") from None
    return user


def find_user(email):
    """The staff user with this e-mail address; UserError when there is none."""
    email = (email or "").strip().lower()
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        raise UserError(f"users: no staff user {email}")
    return user


def set_password(email, password):
    """Give a user a new password and end every session opened with the old one."""
    _check_password(password)
    user = find_user(email)
    user.password_hash = hasher.hash(password)
    db.session.commit()
    return user, sessions.end_all(user.id)


def disable_user(email):
    """Refuse the user's logins from now on and end every session of theirs."""
    user = find_user(email)
    user.disabled_at = user.disabled_at or utcnow()
    db.session.commit()
    return user, sessions.end_all(user.id)


def authenticate(email, password):
    """Return the user for a correct e-mail and password, else None; count failures."""
    email = (email or "").strip().lower()
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    now = utcnow()
    if user is None:
        # Spend the same time as a real check, so timing does not reveal who exists.
        _verify(_dummy_hash(), password)
        return None
    if user.disabled_at is not None:
        _verify(_dummy_hash(), password)
        log.warning("desk: login refused, staff user %s is disabled", user.id)
        return None
    if user.locked_until and user.locked_until > now:
        log.warning("desk: login refused, staff user %s is locked out", user.id)
        return None
    if not _verify(user.password_hash, password):
        _count_failure(user, now)
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user


def _verify(password_hash, password):
    try:
        return hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _dummy_hash():
    if "hash" not in _dummy:
        _dummy["hash"] = hasher.hash("not a password of anyone")
    return _dummy["hash"]


def _count_failure(user, now):
    config = current_app.config
    # One UPDATE, so parallel attempts cannot both read the old count.
    failures = db.session.execute(
        update(StaffUser).where(StaffUser.id == user.id)
        .values(failed_logins=StaffUser.failed_logins + 1)
        .returning(StaffUser.failed_logins)
    ).scalar_one()
    if failures >= config["DESK_LOCKOUT_ATTEMPTS"]:
        db.session.execute(
            update(StaffUser).where(StaffUser.id == user.id)
            .values(failed_logins=0,
                    locked_until=now + timedelta(minutes=config["DESK_LOCKOUT_MINUTES"])))
        log.warning("desk: staff user %s locked out after %s failed logins", user.id, failures)
    db.session.commit()
