"""Signs that a submission was automated: they flag it, never silently drop it.

- "honeypot": the field people never see was filled (browser autofill can do that too);
- "fast": sent sooner than MIN_FILL_SECONDS after the reader first touched the form
  (forms.js measures from the first focus, key press or tap; the service's own pages
  from when it drew them);
- "no-timing": neither measure came with it;
- "bad-stamp": the server-drawn page's signed start time was not ours.

Only one case is refused: the honeypot filled by a client that never ran one of our
pages (no timing from the script and no stamp from a page we drew). A person cannot send
that; the refusal is logged with its reason and counted per day (bot_refusals).
"""

import logging
from datetime import date

from flask import current_app
from sqlalchemy import Date, Integer, String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from .db import db
from .submission import milliseconds
from .tokens import stamp_age

log = logging.getLogger(__name__)


class BotRefusal(db.Model):
    """How many submissions of one form were refused for one reason on one day."""

    __tablename__ = "bot_refusals"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    form: Mapped[str] = mapped_column(String(40), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


def read(form):
    """The bot signals of a bound form (a list); none for a form without traps (fields.py)."""
    if "website" not in form:
        return []
    found = ["honeypot"] if form.website.data else []
    seconds = fill_seconds(form)
    if seconds == "bad":
        found.append("bad-stamp")
    elif seconds is None:
        found.append("no-timing")
    elif seconds < current_app.config["MIN_FILL_SECONDS"]:
        found.append("fast")
    return found


def fill_seconds(form):
    """Seconds the reader spent on the form; None without a measure, "bad" for a forged stamp.

    Raises submission.BadInput for an elapsed that is no finite number of milliseconds.
    """
    elapsed = milliseconds(form.elapsed.data)
    if form.ts.data:
        age = stamp_age(form.ts.data)
        return "bad" if age is None else age
    return None if elapsed is None else elapsed / 1000


def scripted(form, signals):
    """True when no person can have sent it: the honeypot filled, and no page of ours ran."""
    return "honeypot" in signals and not form.elapsed.data and not form.ts.data


def as_text(signals):
    """The signals as stored on a lead or a booking (None for none)."""
    return ",".join(signals)[:200] or None


def refuse(form_name, reason):
    """Log and count a refused submission (the counter is best effort)."""
    log.warning("forms: %s refused as automated: %s", form_name, reason)
    today = date.today()
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(
        BotRefusal).values(day=today, form=form_name, reason=reason, count=1)
    with db.engine.begin() as conn:
        conn.execute(insert.on_conflict_do_update(
            index_elements=["day", "form", "reason"],
            set_={"count": BotRefusal.count + 1}))
