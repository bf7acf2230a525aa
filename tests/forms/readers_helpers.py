"""Helpers for the reader count's tests: an app with a clock, beacons as readers.js sends them."""

import json
from datetime import datetime

from forms_helpers import SITE, make_app
from sqlalchemy import func, select

from forms_service.db import db
from forms_service.readers.models import ReaderCount, ReaderDay, ReaderSalt, ReaderSeen

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")
OTHER_BROWSER = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:133.0) Gecko/20100101 "
                 "Firefox/133.0")
VIEW = {"path": "/iso-9001-kvalitet/", "lang": "sv", "ref": "", "screen": "l"}


class Clock:
    """Naive UTC time that the test moves."""

    def __init__(self, now=datetime(2026, 3, 2, 10, 0)):
        self.now = now

    def __call__(self):
        return self.now


def readers_app(tmp_path, ebook_source, clock=None, **overrides):
    return make_app(tmp_path, ebook_source, READERS_CLOCK=clock or Clock(), **overrides)


def beacon(client, view=None, user_agent=BROWSER, address="192.0.2.10", headers=None, **fields):
    """POST one view as sendBeacon does (text/plain JSON, the site's Origin)."""
    body = {**VIEW, **(view or {}), **fields}
    sent = {"Origin": SITE, "User-Agent": user_agent, "Content-Type": "text/plain;charset=UTF-8"}
    sent.update(headers or {})
    return client.post("/readers/beacon", data=json.dumps(body), headers=sent,
                       environ_base={"REMOTE_ADDR": address})


def flush(app):
    return app.extensions["readers"].flush()


def totals(app, **where):
    """(views, visitors) summed over the rows matching where."""
    with app.app_context():
        conditions = [getattr(ReaderCount, name) == value for name, value in where.items()]
        views, visitors = db.session.execute(
            select(func.coalesce(func.sum(ReaderCount.views), 0),
                   func.coalesce(func.sum(ReaderCount.visitors), 0)).where(*conditions)).one()
        return int(views), int(visitors)


def day_visitors(app, language=""):
    with app.app_context():
        return dict(db.session.execute(select(ReaderDay.day, ReaderDay.visitors)
                                       .where(ReaderDay.language == language)).all())


def stored_salts(app):
    with app.app_context():
        return dict(db.session.execute(select(ReaderSalt.day, ReaderSalt.salt)).all())


def seen_days(app):
    with app.app_context():
        return set(db.session.scalars(select(ReaderSeen.day)))
