"""Record a signup: the lead, its consent and the outbox mail, all in one transaction."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import Consent, Lead, OutboxMessage, utcnow
from ..outbox import wake_worker

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")






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
    lead = Lead(email=email, name=name, language=language, page_url=page_url,
                referrer=referrer, created_at=now, last_requested_at=now, **utm_from(page_url))
    db.session.add(lead)
    try:
        db.session.flush()
    except IntegrityError:
        # The address is known (or the same form was sent twice at once).
        db.session.rollback()
        queued = _repeat_signup(email, language, consent_text, now)
    else:
        _add_consent_and_mail(lead.id, language, consent_text, now)
        queued = True
    db.session.commit()
    if queued:
        wake_worker()
    return queued


def _repeat_signup(email, language, consent_text, now):
    lead_id = _touch_known_lead(email, now)
    if lead_id is None:
        return False
    _add_consent_and_mail(lead_id, language, consent_text, now)
    return True


def _touch_known_lead(email, now):
    """Return the id of the lead with email unless it asked within the window (a double submit)."""
    window = timedelta(seconds=current_app.config["DUPLICATE_WINDOW_SECONDS"])
    # One conditional UPDATE decides atomically, and takes the write lock first.
    return db.session.execute(
        update(Lead)
        .where(Lead.email == email, Lead.last_requested_at <= now - window)
        .values(last_requested_at=now)
        .returning(Lead.id)
    ).scalar_one_or_none()


def _add_consent_and_mail(lead_id, language, consent_text, now):
    db.session.add(Consent(lead_id=lead_id, language=language, text=consent_text,
                           version=current_app.config["CONSENT_VERSION"], given_at=now))
    db.session.add(OutboxMessage(lead_id=lead_id, kind="ebook", language=language,
                                 next_attempt_at=now, created_at=now))


def request_new_link(email, language):
    """Queue a new link for a known address (same window rule); unknown addresses get nothing."""
    now = utcnow()
    lead_id = _touch_known_lead(email, now)
    if lead_id is not None:
        db.session.add(OutboxMessage(lead_id=lead_id, kind="ebook", language=language,
                                     next_attempt_at=now, created_at=now))
    db.session.commit()
    if lead_id is not None:
        wake_worker()
    return lead_id is not None
