"""Record a signup: the lead, its consent and the outbox mail, all in one transaction.

Signups that arrive together share that transaction (forms_service/group_commit.py). This
is the service's fast path: Core statements compiled once (driver_sql.py), not the ORM. A
new lead is announced (events.lead_created) in the same transaction, as the ORM paths do.
"""

from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from ..db import db
from ..driver_sql import CompiledOnce
from ..events import announce, lead_created
from ..group_commit import GroupCommit
from ..models import Consent, Lead, OutboxMessage, utcnow
from ..outbox import wake_worker
from ..site_urls import UTM_KEYS, utm_from
from .mails import KIND as MAIL_KIND

LEAD_FIELDS = ("email", "name", "language", "page_url", "referrer", "created_at",
               "last_requested_at", "bot_signals", *UTM_KEYS)

# Core statements on one connection, not ORM objects in the session: the unit of work
# cost more than the write itself, and on SQLite it ran while holding the only write lock.
# Keep this fast path (group commit + these statements) only while it pays: bench/bench_forms.py
# compares it with one ORM transaction per signup (bench/orm_signup_app.py). Measured on
# 2026-12-02 (2 shared cores, under other load; medians of 3 rounds of 5 s, 16 connections):
# SQLite 96 vs 37 signups/s (2.54x), PostgreSQL 63 vs 28 (3.06x); worker CPU per signup
# 4.0 vs 7.7 ms (SQLite), 4.2 vs 9.7 ms (PostgreSQL).
# A known address inserts nothing (ON CONFLICT DO NOTHING) and returns no id, without
# failing the transaction that other signups share.
INSERT_NEW_LEAD_SQLITE = CompiledOnce(
    sqlite.insert(Lead).on_conflict_do_nothing(index_elements=["email"]).returning(Lead.id),
    LEAD_FIELDS)
INSERT_CONSENT = CompiledOnce(insert(Consent),
                              ("lead_id", "language", "text", "version", "given_at"))
# Every column but the id and the sending state, which start empty.
INSERT_MAIL = CompiledOnce(insert(OutboxMessage),
                           ("lead_id", "kind", "language", "status", "attempts",
                            "next_attempt_at", "created_at"))


def _signup_statement():
    """Lead, consent and mail as one PostgreSQL statement (data-modifying CTEs share the id).

    One round trip instead of three; SQLite has no INSERT in WITH. For a known address
    the lead's insert returns no row, so nothing else is inserted and no id comes back.
    """
    def param(name, column):
        return bindparam(name, type_=column.type)

    new_lead = (postgresql.insert(Lead)
                .values({name: param(name, Lead.__table__.c[name]) for name in LEAD_FIELDS})
                .on_conflict_do_nothing(index_elements=["email"])
                .returning(Lead.id)
                .cte("new_lead"))
    consent = (insert(Consent)
               .from_select(["lead_id", "language", "text", "version", "given_at"],
                            select(new_lead.c.id, param("language", Consent.language),
                                   param("consent_text", Consent.text),
                                   param("version", Consent.version),
                                   param("created_at", Consent.given_at)))
               .cte("new_consent"))
    # INSERT ... SELECT does not fill in the columns' Python defaults: status and attempts.
    return (insert(OutboxMessage)
            .from_select(["lead_id", "status", "attempts", "kind", "language",
                          "next_attempt_at", "created_at"],
                         select(new_lead.c.id, param("status", OutboxMessage.status),
                                param("attempts", OutboxMessage.attempts),
                                param("kind", OutboxMessage.kind),
                                param("language", OutboxMessage.language),
                                param("created_at", OutboxMessage.next_attempt_at),
                                param("created_at", OutboxMessage.created_at)))
            .add_cte(consent)
            .returning(OutboxMessage.lead_id))


INSERT_SIGNUP_POSTGRESQL = CompiledOnce(_signup_statement())


def record_signup(*, email, name, language, page_url, referrer, consent_text, bot_signals=None):
    """Store a signup; a repeat of a known address queues a new mail at most once a window.

    Returns True when a mail was queued, once the transaction holding the signup has
    committed. The caller answers the same either way, so nobody can learn whether an
    address is already known.
    """
    now = utcnow()
    lead = dict(dict.fromkeys(UTM_KEYS), email=email, name=name, language=language,
                page_url=page_url, referrer=referrer, created_at=now, last_requested_at=now,
                bot_signals=bot_signals, **utm_from(page_url))
    queued = _signups(current_app).submit((lead, consent_text))
    if queued:
        wake_worker()
    return queued


def _signups(app):
    """The app's group commit for signups (one per app and process)."""
    writer = app.extensions.get("ebook_signups")
    if writer is None:
        writer = app.extensions.setdefault("ebook_signups", GroupCommit(_write_signups))
    return writer


def _write_signups(signups):
    """Store (lead, consent text) pairs in one transaction; say for each if a mail was queued.

    A connection found dead on the way (PostgreSQL restarted while it sat in the pool) makes
    the pool drop its stale connections; the batch then goes once more on a fresh one. That
    is safe even if the lost commit went through: the addresses are known by then, and a
    repeat within the window queues no second mail.
    """
    app = current_app._get_current_object()
    try:
        return _write_batch(app, signups)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return _write_batch(app, signups)


def _write_batch(app, signups):
    with db.engine.begin() as conn:
        return [_store_signup(conn, app, lead, consent_text) for lead, consent_text in signups]


def _store_signup(conn, app, lead, consent_text):
    lead_id = _insert_new_lead(conn, lead, consent_text)
    if lead_id is None:
        # The address is known (or the same form was sent twice at once).
        return _repeat_signup(conn, lead["email"], lead["language"], consent_text,
                              lead["created_at"])
    # In the batch's transaction: what the receivers queue commits with the lead, or not at all.
    announce(lead_created, conn, app, lead=SimpleNamespace(**lead, id=lead_id))
    return True


def _insert_new_lead(conn, lead, consent_text):
    """Insert the lead, its consent and its e-book mail and return the lead's id.

    Returns None, having inserted nothing, when the address is already known.
    """
    if conn.dialect.name == "postgresql":
        return INSERT_SIGNUP_POSTGRESQL.execute(conn, dict(
            lead, consent_text=consent_text, version=current_app.config["CONSENT_VERSION"],
            status="pending", attempts=0, kind=MAIL_KIND,
        )).scalar_one_or_none()
    lead_id = INSERT_NEW_LEAD_SQLITE.execute(conn, lead).scalar_one_or_none()
    if lead_id is not None:
        _add_consent_and_mail(conn, lead_id, lead["language"], consent_text, lead["created_at"])
    return lead_id


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
    INSERT_CONSENT.execute(conn, dict(
        lead_id=lead_id, language=language, text=consent_text,
        version=current_app.config["CONSENT_VERSION"], given_at=now))
    _queue_ebook_mail(conn, lead_id, language, now)


def _queue_ebook_mail(conn, lead_id, language, now):
    INSERT_MAIL.execute(conn, dict(lead_id=lead_id, kind=MAIL_KIND, language=language,
                                   status="pending", attempts=0, next_attempt_at=now,
                                   created_at=now))


def request_new_link(email, language):
    """Queue a new link for a known address (same window rule); unknown addresses get nothing."""
    now = utcnow()
    with db.engine.begin() as conn:
        lead_id = _touch_known_lead(conn, email, now)
        if lead_id is not None:
            _queue_ebook_mail(conn, lead_id, language, now)
    if lead_id is not None:
        wake_worker()
    return lead_id is not None
