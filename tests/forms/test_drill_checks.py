"""The fault drill's verdict (scripts/drill/), on synthetic answers: no drill is run."""

import collections
import json
from types import SimpleNamespace

import pytest

from scripts.drill import report
from scripts.drill.checks import (
    check_answers,
    check_connections,
    expected_messages,
    mail_delays,
    tally,
)
from scripts.drill.load import Answer
from scripts.drill.settings import BOTH_REFUSED, PROBE_LIMIT, PROBE_REQUESTS

# The gunicorn restart of the synthetic drill: from 100 s to 110 s on the monotonic clock.
RESTARTS = [("gunicorn instance 2", 100.0, 110.0)]
RESET = b"ConnectionResetError(104, 'Connection reset by peer')"
TIMEOUT = b"TimeoutError('timed out')"


def ok(n, started=10.0):
    return Answer("signup", f"drill-{n}@example.com", "sv", 200, b'{"ok": true}', 0.05,
                        started)


def broken(n, started, body=RESET, seconds=0.01):
    return Answer("signup", f"broken-{n}@example.com", "sv", "conn-error", body, seconds,
                        started)


def probe():
    """The rate-limit probe as it should go: the limit through, then localized 429s."""
    _, _, too_many = expected_messages()
    body = json.dumps({"ok": False, "message": min(too_many["en"])}).encode()
    return [Answer("signup", f"probe-{n}@example.com", "en",
                         200 if n < PROBE_LIMIT else 429, body, 0.05, 200.0 + n)
            for n in range(PROBE_REQUESTS)]


def facts(answers, missing=()):
    """The database and SMTP server after a drill that stored and mailed every 2xx signup."""
    emails = [a.email for a in answers if a.status == 200 and a.email not in missing]
    return {"leads": emails, "queued": dict.fromkeys(emails, 1), "booked": [], "overlaps": 0,
            "outbox": {"sent": len(emails)}, "mails": collections.Counter(emails),
            "mails_total": len(emails)}


def run_report(tmp_path, monkeypatch, load, missing=()):
    """report.report() over synthetic answers; its verdict (True: every check passed)."""
    answers = probe()
    monkeypatch.setattr(report, "stored", lambda database, smtp: facts(load + answers, missing))
    (tmp_path / "web1.log").write_text(json.dumps(
        {"logger": "forms_service.request", "request_id": "r" * 32, "status": 200}) + "\n")
    faults = SimpleNamespace(events=["gunicorn instance 2 restarted in 10.0 s"],
                             restarts=RESTARTS)
    return report.report(tmp_path, None, None, SimpleNamespace(results=load, failovers=3),
                        answers, faults, elapsed=150.0)


def test_a_clean_drill_passes(tmp_path, monkeypatch, capsys):
    load = [ok(n) for n in range(20)] + [broken(n, 104.0) for n in range(3)]
    assert run_report(tmp_path, monkeypatch, load)
    out = capsys.readouterr().out
    assert "3 (3 during the restarts" in out
    assert "all checks passed" in out


def test_connection_errors_outside_a_restart_fail_the_drill(tmp_path, monkeypatch, capsys):
    load = [ok(n) for n in range(20)] + [broken(n, 50.0) for n in range(40)]
    assert not run_report(tmp_path, monkeypatch, load)
    out = capsys.readouterr().out
    assert "FAILED: connection error outside a restart: ConnectionResetError" in out
    assert "FAIL  connection errors only while a restart is in progress" in out


def test_a_2xx_signup_that_was_not_stored_is_lost(tmp_path, monkeypatch, capsys):
    load = [ok(n) for n in range(20)]
    assert not run_report(tmp_path, monkeypatch, load, missing={"drill-7@example.com"})
    assert "FAILED: every 2xx signup stored: 1 lost" in capsys.readouterr().out
    rows, _, failed = tally(load, [], facts(load, missing={"drill-7@example.com"}))
    assert rows["lost (rows + mails)"] == 1
    assert failed == ["every 2xx signup stored: 1 lost"]


@pytest.mark.parametrize("answers, failures", [
    pytest.param([broken(0, 100.5), broken(1, 109.9)], [], id="during the restart"),
    # Sent just before the restart began, reset by it.
    pytest.param([broken(0, 99.5, seconds=1.0)], [], id="in flight as it began"),
    pytest.param([broken(0, 111.5)], [], id="within the grace after it"),
    pytest.param([broken(0, 50.0)], [
        "connection error outside a restart: ConnectionResetError(104, 'Connection reset by "
        "peer'): 1"], id="outside"),
    pytest.param([broken(n, 105.0) for n in range(4)], [
        "connection errors during the restarts: 4, at most 3 allowed (DRILL_MAX_CONN_ERRORS)"],
        id="too many"),
    pytest.param([broken(0, 105.0, TIMEOUT, seconds=60.0)], [
        "connection error TimeoutError('timed out'): 1"], id="a timeout, even then"),
    pytest.param([broken(0, 105.0, BOTH_REFUSED)], [
        "connection error both instances refused: 1"], id="both instances refused"),
])
def test_connection_errors_are_allowed_only_during_restarts(answers, failures):
    failed, _ = check_connections([ok(0)] + answers, RESTARTS, limit=3)
    assert failed == failures


def test_answers_other_than_429_503_409_are_problems():
    failure, taken, _ = expected_messages()
    answers = [
        Answer("signup", "a@example.com", "sv", 503,
                     json.dumps({"message": failure["sv"]}).encode(), 0.1, 1.0),
        Answer("booking", "b@example.com", "en", 409,
                     json.dumps({"message": taken["en"]}).encode(), 0.1, 1.0),
        Answer("signup", "c@example.com", "sv", 500, b"Internal Server Error", 0.1, 1.0),
        broken(0, 50.0),  # connection errors are check_connections()'s
    ]
    assert check_answers(answers) == {"signup answered 500": 1}


def test_visitor_mail_delay_counts_mail_queued_once_smtp_was_back():
    from datetime import datetime, timedelta

    start = datetime(2026, 12, 2, 12, 0, 0)
    at = [start + timedelta(seconds=n) for n in range(100)]
    windows = [(at[10], at[20]), (at[30], at[40])]  # SMTP down, then hanging
    times = [(at[5], at[41]), (at[25], at[45]), (at[40], at[52]), (at[60], at[60])]
    every, smtp_up = mail_delays(times, windows)
    assert every == [0.0, 12.0, 20.0, 36.0]
    assert smtp_up == [0.0, 12.0]
    assert mail_delays(times, [])[1] == every  # no SMTP fault: every mail counts
