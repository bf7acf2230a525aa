"""The drill's verdict: what was answered, stored and mailed, compared."""

import collections
import json
import tempfile

from babel.support import Translations

from forms_service.booking.messages import TAKEN
from forms_service.errors import TOO_MANY, TOO_MANY_SOON
from forms_service.i18n import CATALOG_DIR, DOMAIN, compile_catalogs

from .settings import (
    BOTH_REFUSED,
    FAILURE_MSGID,
    MAX_CONN_ERRORS,
    RESTART_GRACE,
    SALES,
    SUPPORT,
    VISITOR_KINDS,
)


def expected_messages():
    """The failure, taken-slot and too-many messages in sv and en, from the service's catalogs.

    A 429 says "in a minute" or "in N minutes": every wording up to an hour is accepted.
    """
    with tempfile.TemporaryDirectory() as compiled:
        compile_catalogs(CATALOG_DIR, compiled)
        catalogs = {lang: Translations.load(compiled, [lang], DOMAIN) for lang in ("sv", "en")}
    failure = {lang: t.ugettext(FAILURE_MSGID) % {"email": SUPPORT}
               for lang, t in catalogs.items()}
    taken = {lang: t.ugettext(TAKEN) for lang, t in catalogs.items()}
    too_many = {lang: {t.ugettext(TOO_MANY_SOON)} | {
        t.ugettext(TOO_MANY) % {"minutes": minutes} for minutes in range(2, 61)}
        for lang, t in catalogs.items()}
    return failure, taken, too_many


def check_answers(results):
    """Problems with non-2xx answers: only 429/503 (and 409 for a taken slot), localized.

    Connection errors are check_connections()'s.
    """
    failure, taken, too_many = expected_messages()
    allowed = {"signup": {429, 503}, "booking": {409, 429, 503}}
    problems = collections.Counter()
    for answer in results:
        kind, lang, status, body = answer.kind, answer.lang, answer.status, answer.body
        if status == "conn-error" or 200 <= status < 300:
            continue
        if status not in allowed[kind]:
            problems[f"{kind} answered {status}"] += 1
            continue
        try:
            message = json.loads(body)["message"]
        except (ValueError, KeyError):
            problems[f"{kind} {status} without a JSON message"] += 1
            continue
        want = {409: {taken[lang]}, 429: too_many[lang]}.get(status, {failure[lang]})
        if message not in want or b"Traceback" in body:
            problems[f"{kind} {status} with message {message!r}"] += 1
    return problems


def during_restart(answer, restarts):
    """Whether the request was on its way while a restart (with RESTART_GRACE) went on."""
    ended = answer.started + answer.seconds
    return any(began - RESTART_GRACE <= ended and answer.started <= until + RESTART_GRACE
               for _, began, until in restarts)


def check_connections(results, restarts, limit=None):
    """Failed checks for requests that got no answer; (failures, count during restarts).

    Allowed only while a restart is in progress, and at most limit (MAX_CONN_ERRORS) of
    them. Never allowed: a timeout (a request left hanging is no failover), and both
    instances refusing (one is always up).
    """
    limit = MAX_CONN_ERRORS if limit is None else limit
    during, never = 0, collections.Counter()
    for answer in results:
        if answer.status != "conn-error":
            continue
        reason = answer.body.decode(errors="replace")[:80]
        if answer.body == BOTH_REFUSED or "timed out" in reason or "Timeout" in reason:
            never[reason] += 1
        elif during_restart(answer, restarts):
            during += 1
        else:
            never[f"outside a restart: {reason}"] += 1
    failures = [f"connection error {reason}: {count}" for reason, count in sorted(never.items())]
    if during > limit:
        failures.append(f"connection errors during the restarts: {during}, at most {limit} "
                        "allowed (DRILL_MAX_CONN_ERRORS)")
    return failures, during


def check_logs(workdir):
    """Every web log line is JSON; request lines carry a request id; count 500s and tracebacks."""
    lines = bad = without_id = server_errors = tracebacks = 0
    for path in sorted(workdir.glob("web*.log")):
        for raw in path.read_text(errors="replace").splitlines():
            lines += 1
            try:
                entry = json.loads(raw)
            except ValueError:
                bad += 1
                continue
            if entry.get("logger") == "forms_service.request":
                without_id += not entry.get("request_id")
                server_errors += entry.get("status") == 500
            tracebacks += "exception" in entry
    return {"lines": lines, "not JSON": bad, "request lines without id": without_id,
            "500 in logs": server_errors, "tracebacks in logs": tracebacks}


def stored(database, smtp):
    """What the database and the SMTP server hold after the drill."""
    (overlaps,), = database.query(
        "SELECT count(*) FROM bookings a JOIN bookings b ON a.consultant = b.consultant "
        "AND a.id < b.id AND a.status = 'confirmed' AND b.status = 'confirmed' "
        "AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until")
    return {
        "leads": [e for (e,) in database.query("SELECT email FROM leads")],
        # email -> e-book mails queued for it
        "queued": dict(database.query(
            "SELECT l.email, count(o.id) FROM leads l LEFT JOIN outbox o "
            "ON o.lead_id = l.id AND o.kind = 'ebook' GROUP BY l.email")),
        "booked": [e for (e,) in database.query(
            "SELECT email FROM bookings WHERE status = 'confirmed'")],
        "overlaps": overlaps,
        "outbox": dict(database.query(
            "SELECT status, count(*) FROM outbox WHERE kind <> 'webhook' GROUP BY status")),
        "webhooks": dict(database.query(
            "SELECT status, count(*) FROM outbox WHERE kind = 'webhook' GROUP BY status")),
        "mails": smtp.handler.received,  # recipient -> accepted mails
        "mails_total": smtp.handler.total,
        # (queued, accepted by SMTP) of each visitor mail (naive UTC)
        "visitor_mails": visitor_mail_times(database, smtp.handler.accepted_at),
    }


def visitor_mail_times(database, accepted_at):
    """(queued, accepted) for every visitor mail SMTP accepted: the e-book link, bookings."""
    kinds = ", ".join(f"'{kind}'" for kind in VISITOR_KINDS)
    rows = database.query(
        "SELECT o.created_at, coalesce(l.email, b.email) FROM outbox o "
        "LEFT JOIN leads l ON l.id = o.lead_id LEFT JOIN bookings b ON b.id = o.booking_id "
        f"WHERE o.kind IN ({kinds})")
    return [(queued, accepted_at[email.lower()]) for queued, email in rows
            if email and email.lower() in accepted_at]


def mail_delays(times, smtp_windows):
    """Seconds from queued to accepted: (all mails, mails queued once SMTP was back).

    "Back" is the end of the last SMTP fault (down, holding mail, hanging): mail queued
    earlier waited for SMTP itself, which says nothing about the lanes.
    """
    back = max((ended for _, ended in smtp_windows), default=None)
    every, smtp_up = [], []
    for queued, accepted in times:
        seconds = (accepted - queued).total_seconds()
        every.append(seconds)
        if back is None or queued >= back:
            smtp_up.append(seconds)
    return sorted(every), sorted(smtp_up)


def verify(database, smtp, results, probe):
    """Compare answers, rows and mails; return (table rows, checks, failed checks)."""
    return tally(results, probe, stored(database, smtp))


def tally(results, probe, facts):
    """Compare the answers with what was stored (see stored()); a 2xx not stored is lost."""
    failed = []
    signup_ok = {a.email for a in results + probe
                 if a.kind == "signup" and a.status != "conn-error" and 200 <= a.status < 300}
    booking_ok = {a.email for a in results
                  if a.kind == "booking" and a.status != "conn-error" and 200 <= a.status < 300}
    leads, queued, booked = facts["leads"], facts["queued"], facts["booked"]
    overlaps, outbox, mails = facts["overlaps"], facts["outbox"], facts["mails"]

    lead_set = set(leads)
    lost_rows = signup_ok - lead_set
    row_dups = len(leads) - len(lead_set) + sum(c - 1 for c in queued.values() if c > 1)
    lost_mails = [e for e in lead_set if mails[e] == 0]
    mail_dups = sum(mails[e] - 1 for e in lead_set if mails[e] > 1)
    lost_bookings = booking_ok - set(booked)
    booking_mail_lost = [e for e in booked if mails[e] == 0]
    booking_mail_dups = sum(mails[e] - 1 for e in booked if mails[e] > 1)

    checks = [
        ("every 2xx signup stored", not lost_rows, f"{len(lost_rows)} lost"),
        ("stored exactly once (one lead, one queued mail)", row_dups == 0, f"{row_dups} extra"),
        ("every stored signup mailed", not lost_mails, f"{len(lost_mails)} without mail"),
        ("no signup mailed twice", mail_dups == 0, f"{mail_dups} duplicate mails"),
        ("every 2xx booking stored", not lost_bookings, f"{len(lost_bookings)} lost"),
        ("no slot double-booked", overlaps == 0, f"{overlaps} overlapping pairs"),
        ("every booking confirmed by mail exactly once",
         not booking_mail_lost and booking_mail_dups == 0,
         f"{len(booking_mail_lost)} lost, {booking_mail_dups} duplicates"),
        ("sales told of every booking once", mails[SALES] == len(booked),
         f"{mails[SALES]} mails for {len(booked)} bookings"),
        ("outbox drained, nothing failed", not outbox.get("pending") and not outbox.get(
            "sending") and not outbox.get("failed"), f"{outbox}"),
    ]
    for name, ok, detail in checks:
        if not ok:
            failed.append(f"{name}: {detail}")
    rows = {"signup rows": len(leads), "signups answered 2xx": len(signup_ok),
            "stored without a 2xx answer": len(lead_set - signup_ok),
            "booking rows (confirmed)": len(booked), "bookings answered 2xx": len(booking_ok),
            "mails received": facts["mails_total"],
            "e-book mails": sum(mails[e] for e in lead_set),
            "duplicates (rows + mails)": row_dups + mail_dups + booking_mail_dups,
            "lost (rows + mails)": len(lost_rows) + len(lost_mails) + len(lost_bookings)
            + len(booking_mail_lost), "double-booked slot pairs": overlaps}
    return rows, checks, failed
