"""Record a signup: the lead, its consent and the outbox mail, all in one transaction."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from flask import current_app
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import Consent, Lead, OutboxMessage, utcnow
from ..outbox import wake_worker
from ..signals import lead_created

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")

# Core statements on one connection, not ORM objects in the session: the unit of work
# cost more than the write itself, and on SQLite it ran while holding the only write lock.
INSERT_LEAD = insert(Lead).returning(Lead.id)
INSERT_CONSENT = insert(Consent)
INSERT_MAIL = insert(OutboxMessage)


def utm_from(url):
    """Return the UTM parameters found in url's query string."""
    query = parse_qs(urlsplit(url).query) if url else {}
    return {key: query[key][0][:200] for key in UTM_KEYS if key in query}


def record_signup(*, email, name, language, page_url, referrer, consent_text):
    """Store a signup; a repeat of a known address queues a new mail at most once a window.

    Returns True when a mail was queued. The caller answers the same either way,
    so nobody can learn whether an address is already known.
    """
    now = utcnow()
    lead = dict(dict.fromkeys(UTM_KEYS), email=email, name=name, language=language,
                page_url=page_url, referrer=referrer, created_at=now, last_requested_at=now,
                **utm_from(page_url))
    try:
        with db.engine.begin() as conn:
            lead["id"] = conn.execute(INSERT_LEAD, lead).scalar_one()
            lead_created.send(current_app._get_current_object(), connection=conn, lead=lead)
            _add_consent_and_mail(conn, lead["id"], language, consent_text, now)
    except IntegrityError:
        # The address is known (or the same form was sent twice at once); the block
        # above rolled back, so a repeat runs in a transaction of its own.
        with db.engine.begin() as conn:
            queued = _repeat_signup(conn, email, language, consent_text, now)
    else:
        queued = True
    if queued:
        wake_worker()
    return queued


def _repeat_signup(conn, email, language, consent_text, now):
    lead_id = _touch_known_lead(conn, email, now)
    if lead_id is None:
        return False
    _add_consent_and_mail(conn, lead_id, language, consent_text, now)
    return True


def _touch_known_lead(conn, email, now):
    """Return the id of the lead with email unless it asked within the window (a double submit)."""
    window = timedelta(seconds=current_app.config["DUPLICATE_WINDOW_SECONDS"])
    # One conditional UPDATE decides atomically, and takes the write lock first.
    return conn.execute(
        update(Lead)
        .where(Lead.email == email, Lead.last_requested_at <= now - window)
        .values(last_requested_at=now)
        .returning(Lead.id)
    ).scalar_one_or_none()


def _add_consent_and_mail(conn, lead_id, language, consent_text, now):
    conn.execute(INSERT_CONSENT, dict(
        lead_id=lead_id, language=language, text=consent_text,
        version=current_app.config["CONSENT_VERSION"], given_at=now))
    conn.execute(INSERT_MAIL, dict(
        lead_id=lead_id, kind="ebook", language=language, next_attempt_at=now, created_at=now))


def request_new_link(email, language):
    """Queue a new link for a known address (same window rule); unknown addresses get nothing."""
    now = utcnow()
    with db.engine.begin() as conn:
        lead_id = _touch_known_lead(conn, email, now)
        if lead_id is not None:
            conn.execute(INSERT_MAIL, dict(lead_id=lead_id, kind="ebook", language=language,
                                           next_attempt_at=now, created_at=now))
    if lead_id is not None:
        wake_worker()
    return lead_id is not None
