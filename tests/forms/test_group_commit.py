"""Group commit (forms_service/group_commit.py): batching, retry job by job, and signups.

The unit tests hold the first write on an Event, so that the next submits queue up
behind it in a known order and the batches that follow are known exactly. Every thread
is joined with a timeout: a job left waiting fails the test instead of hanging the suite.
"""

import threading
import time
from collections import Counter

import pytest
import sqlalchemy.exc
from forms_helpers import SITE, Signup
from sqlalchemy import func, select

from forms_service.db import db
from forms_service.ebook import signup as ebook_signup
from forms_service.group_commit import GroupCommit
from forms_service.models import Consent, Lead, OutboxMessage, utcnow

TIMEOUT = 10


def wait_until(predicate, what, timeout=TIMEOUT):
    """Poll predicate (a state change no Event reports) until true, or fail."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.002)


def queued(group):
    with group._lock:
        return len(group._queue)


class Submitter(threading.Thread):
    """submit(item) in a thread of its own, keeping the result or the error."""

    def __init__(self, group, item, app=None):
        super().__init__(daemon=True)  # a thread that hangs must not keep pytest alive
        self.group, self.item, self.app = group, item, app
        self.result = self.error = None
        self.done = False

    def run(self):
        try:
            if self.app is None:
                self.result = self.group.submit(self.item)
            else:
                with self.app.app_context():
                    self.result = self.group.submit(self.item)
        except BaseException as error:  # noqa: BLE001 - the test looks at it
            self.error = error
        self.done = True


def join_all(threads, timeout=TIMEOUT):
    """Join threads within one shared deadline (per-thread timeouts would add up)."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))


def finish(threads):
    join_all(threads)
    stuck = [thread.item for thread in threads if thread.is_alive() or not thread.done]
    assert not stuck, f"submits still waiting: {stuck}"


def submit(group, item):
    """group.submit(item) in a thread, so a group stuck "writing" fails instead of hanging."""
    thread = Submitter(group, item)
    thread.start()
    finish([thread])
    if thread.error is not None:
        raise thread.error
    return thread.result


class HeldWrite:
    """A write function whose first call waits for release(); records every call.

    delegate(items) gives the results (default: "ok:<item>" per item); calls whose
    delegate raised are in failed, the others in batches.
    """

    def __init__(self, delegate=None):
        self.delegate = delegate or (lambda items: [f"ok:{item}" for item in items])
        self.entered = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.calls = []
        self.batches = []
        self.failed = []

    def release(self):
        self._release.set()

    def __call__(self, items):
        items = list(items)
        with self._lock:
            first = not self.calls
            self.calls.append(items)
        if first:
            self.entered.set()
            assert self._release.wait(TIMEOUT), "the first write was never released"
        try:
            results = self.delegate(items)
        except Exception:
            with self._lock:
                self.failed.append(items)
            raise
        with self._lock:
            self.batches.append(items)
        return results


def hold_then_queue(group, write, first, others, app=None):
    """Start first and wait until its write is held; queue others behind it in order."""
    leader = Submitter(group, first, app)
    leader.start()
    assert write.entered.wait(TIMEOUT), "the first submit never wrote"
    followers = []
    for number, item in enumerate(others, 1):
        follower = Submitter(group, item, app)
        follower.start()
        followers.append(follower)
        wait_until(lambda n=number: queued(group) == n, f"{item!r} to queue up")
    return leader, followers


# --- GroupCommit with a plain Python write function ---

def test_single_submit_returns_its_result():
    calls = []

    def write(items):
        calls.append(list(items))
        return [item * 2 for item in items]

    group = GroupCommit(write)
    assert submit(group, 21) == 42
    assert calls == [[21]]
    assert submit(group, 5) == 10
    assert calls == [[21], [5]]


def test_submits_during_a_write_share_the_next_call():
    write = HeldWrite()
    group = GroupCommit(write)
    leader, followers = hold_then_queue(group, write, "a", ["b", "c", "d"])
    assert write.calls == [["a"]]  # b, c and d wait; none of them writes yet
    write.release()
    finish([leader, *followers])
    assert write.calls == [["a"], ["b", "c", "d"]]
    for thread in (leader, *followers):
        assert (thread.error, thread.result) == (None, f"ok:{thread.item}")
    assert submit(group, "e") == "ok:e"  # idle again: a lone submit writes at once
    assert write.calls[-1] == ["e"]


class Interrupted(BaseException):
    """Not an Exception: like a timeout that interrupts the writing thread."""


def test_an_interrupted_write_never_answers_its_batch_as_written():
    def delegate(items):
        if "b" in items:
            raise Interrupted()
        return [f"ok:{item}" for item in items]

    write = HeldWrite(delegate)
    group = GroupCommit(write)
    leader, followers = hold_then_queue(group, write, "a", ["b", "c"])
    write.release()
    finish([leader, *followers])
    b, c = followers
    assert leader.result == "ok:a"
    assert isinstance(b.error, Interrupted)  # the thread that wrote sees its own interruption
    assert isinstance(c.error, RuntimeError) and c.result is None  # never a silent "stored"
    assert submit(group, "d") == "ok:d"


def test_a_failing_batch_is_retried_job_by_job():
    def write(items):
        if "bad" in items:
            raise ValueError(f"cannot write {items}")
        return [f"ok:{item}" for item in items]

    write = HeldWrite(write)
    group = GroupCommit(write)
    leader, followers = hold_then_queue(group, write, "a", ["b", "bad", "c"])
    write.release()
    finish([leader, *followers])
    b, bad, c = followers
    assert isinstance(bad.error, ValueError)
    assert str(bad.error) == "cannot write ['bad']"  # its own retry's error, not the batch's
    assert bad.result is None
    for thread in (leader, b, c):
        assert (thread.error, thread.result) == (None, f"ok:{thread.item}")
    assert write.failed == [["b", "bad", "c"], ["bad"]]
    assert write.batches == [["a"], ["b"], ["c"]]  # each good item written once, alone
    assert Counter(item for batch in write.batches for item in batch) == {"a": 1, "b": 1, "c": 1}


def test_max_batch_is_respected():
    write = HeldWrite()
    group = GroupCommit(write, max_batch=2)
    leader, followers = hold_then_queue(group, write, "a", ["b", "c", "d", "e", "f"])
    write.release()
    finish([leader, *followers])
    assert write.calls == [["a"], ["b", "c"], ["d", "e"], ["f"]]
    for thread in (leader, *followers):
        assert (thread.error, thread.result) == (None, f"ok:{thread.item}")


def test_a_lone_failure_raises_and_the_next_submit_works():
    def write(items):
        if "bad" in items:
            raise RuntimeError("boom")
        return [f"ok:{item}" for item in items]

    group = GroupCommit(write)
    with pytest.raises(RuntimeError, match="boom"):
        submit(group, "bad")
    assert submit(group, "x") == "ok:x"
    assert submit(group, "y") == "ok:y"


def test_a_failing_leader_hands_over_to_the_queue():
    def write(items):
        if "bad" in items:
            raise RuntimeError("boom")
        return [f"ok:{item}" for item in items]

    write = HeldWrite(write)
    group = GroupCommit(write)
    leader, followers = hold_then_queue(group, write, "bad", ["b", "c"])
    write.release()
    finish([leader, *followers])
    assert isinstance(leader.error, RuntimeError)
    for thread in followers:
        assert (thread.error, thread.result) == (None, f"ok:{thread.item}")
    assert write.calls == [["bad"], ["b", "c"]]
    after = [Submitter(group, item) for item in ("d", "e")]
    for thread in after:
        thread.start()
    finish(after)
    assert [thread.result for thread in after] == ["ok:d", "ok:e"]


# --- Signups through HTTP, on SQLite and PostgreSQL ---

def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def post_signups_at_once(app, emails):
    """POST one JSON signup per address, each from its own client, all at once."""
    visitors = [Signup(app.test_client()) for _ in emails]
    tokens = [visitor.token() for visitor in visitors]  # fetched first, so the posts line up
    barrier = threading.Barrier(len(emails))
    answers = [None] * len(emails)

    def post(number):
        try:
            barrier.wait(TIMEOUT)
            answers[number] = visitors[number].json(
                with_token=False, headers={"X-CSRFToken": tokens[number]},
                email=emails[number], name=f"Visitor {number}")
        except Exception as error:  # noqa: BLE001 - shown by status_codes
            answers[number] = error

    threads = [threading.Thread(target=post, args=(n,), daemon=True) for n in range(len(emails))]
    for thread in threads:
        thread.start()
    join_all(threads, TIMEOUT * 2)
    return answers


def status_codes(answers):
    """Each answer's status code; the error it raised, or None if it never answered."""
    return [getattr(answer, "status_code", answer) for answer in answers]


def assert_one_signup_each(app, emails):
    distinct = set(emails)
    assert count(app, Lead) == len(distinct)
    with app.app_context():
        leads = dict(db.session.execute(select(Lead.email, Lead.id)).all())
        assert set(leads) == distinct
        consents = Counter(db.session.scalars(select(Consent.lead_id)))
        mails = Counter(db.session.execute(select(OutboxMessage.lead_id, OutboxMessage.kind)))
    assert consents == {lead_id: 1 for lead_id in leads.values()}
    assert mails == {(lead_id, "ebook"): 1 for lead_id in leads.values()}


EMAILS = [f"visitor{n}@example.com" for n in range(12)] + ["twice@example.com"] * 2


def test_concurrent_signups_each_store_one_lead_consent_and_mail(app):
    answers = post_signups_at_once(app, EMAILS)
    assert status_codes(answers) == [200] * len(EMAILS)
    assert all(answer.get_json()["ok"] is True for answer in answers)
    assert_one_signup_each(app, EMAILS)


def test_signups_queued_behind_a_write_share_one_transaction(app):
    """The same race, with the first write held until all the others have queued."""
    write = HeldWrite(ebook_signup._write_signups)
    group = GroupCommit(write)
    app.extensions["ebook_signups"] = group
    result = {}
    runner = threading.Thread(target=lambda: result.update(
        answers=post_signups_at_once(app, EMAILS)), daemon=True)
    runner.start()
    try:
        assert write.entered.wait(TIMEOUT), "no signup reached the database"
        wait_until(lambda: queued(group) == len(EMAILS) - 1, "the other signups to queue up")
    finally:
        write.release()
    runner.join(TIMEOUT * 3)  # longer than post_signups_at_once waits for its posts
    assert status_codes(result.get("answers", [])) == [200] * len(EMAILS)
    assert [len(batch) for batch in write.batches] == [1, len(EMAILS) - 1]
    assert write.failed == []
    assert_one_signup_each(app, EMAILS)


def test_a_bad_signup_in_a_batch_fails_alone(app):
    """One signup breaks a NOT NULL constraint: it alone fails; its batch mates are stored."""
    write = HeldWrite(ebook_signup._write_signups)
    group = GroupCommit(write)

    def pair(email, name="Anna Andersson"):
        now = utcnow()
        lead = dict(dict.fromkeys(ebook_signup.UTM_KEYS), email=email, name=name,
                    language="sv", page_url=SITE + "/", referrer=None, created_at=now,
                    last_requested_at=now, bot_signals=None)
        return lead, f"consent of {email}"

    leader, followers = hold_then_queue(
        group, write, pair("first@example.com"),
        [pair("good1@example.com"), pair("bad@example.com", name=None),
         pair("good2@example.com")],
        app=app)
    write.release()
    finish([leader, *followers])
    good1, bad, good2 = followers
    assert isinstance(bad.error, sqlalchemy.exc.IntegrityError)
    for thread in (leader, good1, good2):
        assert (thread.error, thread.result) == (None, True)
    assert [len(batch) for batch in write.failed] == [3, 1]  # the batch, then the bad one
    good = ["first@example.com", "good1@example.com", "good2@example.com"]
    assert_one_signup_each(app, good)
    with app.app_context():
        texts = set(db.session.scalars(select(Consent.text)))
    assert texts == {f"consent of {email}" for email in good}
    assert count(app, Lead, Lead.email == "bad@example.com") == 0
