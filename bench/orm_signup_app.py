"""The signup service with its write done the plain way, for the benchmark only.

One ORM transaction per signup (lead, consent, mail, the lead_created event), no group
commit and no statements compiled ahead: what the signup would be without its fast path
(forms_service/ebook/signup.py). The gap to the real run is what the fast path gains.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forms_service import create_app as _create_app
from forms_service.db import db
from forms_service.events import announce, lead_created
from forms_service.models import Consent, Lead, OutboxMessage, utcnow
from forms_service.outbox import wake_worker
from forms_service.site_urls import utm_from


def record_signup(*, email, name, language, page_url, referrer, consent_text, bot_signals=None):
    """The same rule as the real one: a known address gets a new mail at most once a window."""
    now = utcnow()
    lead = db.session.scalar(select(Lead).where(Lead.email == email))
    new = lead is None
    if new:
        lead = Lead(email=email, name=name, language=language, page_url=page_url,
                    referrer=referrer, created_at=now, last_requested_at=now,
                    bot_signals=bot_signals, **utm_from(page_url))
        db.session.add(lead)
        try:
            db.session.flush()
        except IntegrityError:  # the same address at the same moment: a double submit
            db.session.rollback()
            return False
    else:
        window = timedelta(seconds=current_app.config["DUPLICATE_WINDOW_SECONDS"])
        if lead.last_requested_at > now - window:
            return False
        lead.last_requested_at = now
    db.session.add(Consent(lead_id=lead.id, language=language, text=consent_text,
                           version=current_app.config["CONSENT_VERSION"], given_at=now))
    db.session.add(OutboxMessage(lead_id=lead.id, kind="ebook", language=language,
                                 next_attempt_at=now, created_at=now))
    if new:
        announce(lead_created, db.session.connection(), lead=lead)
    db.session.commit()
    wake_worker()
    return True


def create_app():
    app = _create_app()
    import forms_service.ebook.views as views

    views.record_signup = record_signup
    return app
