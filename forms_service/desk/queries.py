"""The filtered lists of leads and bookings, shared by the desk pages and the exports."""

import re
import time as time_module
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from sqlalchemy import String, and_, false, func, literal_column, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..booking.forms import TOPICS
from ..booking.models import Booking
from ..models import Lead
from .lifecycle import stage_column, stage_condition
from .models import FollowUp

LEAD_STATUSES = ("confirmed", "unconfirmed")
# Article slugs spell the standards with a hyphen: /en/iso-27001-information-security/.
STANDARDS = tuple((key, label) for key, label in TOPICS if key.startswith("iso"))
_SLUG = re.compile(r"iso-?(\d{4,5})")
_STANDARD_KEY = re.compile(r"iso(\d{4,5})")

LEAD_COLUMNS = (Lead.id, Lead.created_at, Lead.name, Lead.email, Lead.language, Lead.page_url,
                Lead.referrer, Lead.utm_source, Lead.utm_medium, Lead.utm_campaign,
                Lead.utm_term, Lead.utm_content, Lead.confirmed_at, Lead.bot_signals)


def booking_columns():
    """The columns of the bookings list and export, the meeting's stage included."""
    return (Booking.id, Booking.created_at, Booking.starts_at, Booking.ends_at,
            stage_column().label("stage"), Booking.name, Booking.company, Booking.email,
            Booking.phone, Booking.topics, Booking.language, Booking.page_url,
            Booking.referrer, Booking.utm_source, Booking.utm_medium, Booking.utm_campaign,
            Booking.utm_term, Booking.utm_content, Booking.message, Booking.consultant,
            Booking.bot_signals, FollowUp.notes)


def standard_of(url):
    """The standard an article is about, from its address ("iso27001"), or None."""
    match = _SLUG.search(urlsplit(url or "").path)
    return f"iso{match.group(1)}" if match else None


def bare_address(url):
    """url without its query string and fragment: the article a lead came from."""
    return url.split("#", 1)[0].split("?", 1)[0]


class bare_url(FunctionElement):
    """bare_address() in SQL, on SQLite and PostgreSQL: bare_url(Lead.page_url)."""

    # page_url is stored whole (the UTM fields come from it); the desk groups by article.

    type = String()
    name = "bare_url"
    inherit_cache = True


@compiles(bare_url)
def _bare_url(element, compiler, **kw):
    # SQLite: the text before the first "?" or "#" (a fragment may hold a "?"): "#" becomes
    # "?", and a "?" appended for instr() makes sure there is one.
    (url,) = element.clauses
    marked = func.replace(url, "#", "?", type_=String)
    return compiler.process(func.substr(marked, 1, func.instr(marked.concat("?"), "?") - 1),
                            **kw)


@compiles(bare_url, "postgresql")
def _bare_url_postgresql(element, compiler, **kw):
    # Written out, not with bound values: migration 0008 indexes this very expression, and
    # a plan made for any parameters (a generic plan) would not match '#' to a parameter.
    (url,) = element.clauses
    return f"split_part(replace({compiler.process(url, **kw)}, '#', '?'), '?', 1)"


def _about_standard(url, key):
    """url's address names the standard key ("iso14001") with exactly its number.

    As standard_of() reads it (iso-14001 or iso14001 in the address, in any case), but the
    whole number: a "-" or "/" or the end of the address follows it, so iso1400 does not
    match iso-14001. Each pattern is an ILIKE on the bare address, which PostgreSQL answers
    from one trigram index (migration 0008).
    """
    match = _STANDARD_KEY.fullmatch(key or "")
    if match is None:
        return false()
    address = bare_url(url)
    return or_(*(address.ilike(f"%iso{dash}{match.group(1)}{end}")
                 for dash in ("", "-") for end in ("-%", "/%", "")))


def _day_range(column, filters):
    conditions = []
    if filters.get("date_from"):
        conditions.append(column >= datetime.combine(filters["date_from"], time.min))
    # Up to the end of date_to; 9999-12-31 (date.max) has no day after it, and no end.
    if filters.get("date_to") and filters["date_to"] < date.max:
        end = datetime.combine(filters["date_to"] + timedelta(days=1), time.min)
        conditions.append(column < end)
    return conditions


def _search(columns, text):
    return or_(*(column.icontains(text, autoescape=True) for column in columns))


def _article_paths(url, paths):
    """url's bare address ends with one of paths (the articles of the site's index)."""
    address = bare_url(url)
    return or_(false(), *(address.endswith(path, autoescape=True) for path in paths))


def lead_conditions(filters):
    """The WHERE conditions of the leads matching filters (also used by the overview)."""
    conditions = _day_range(Lead.created_at, filters)
    if filters.get("language"):
        conditions.append(Lead.language == filters["language"])
    if filters.get("standard"):
        paths = filters.get("standard_paths", ())
        conditions.append(or_(_about_standard(Lead.page_url, filters["standard"].lower()),
                              _article_paths(Lead.page_url, paths)))
    if filters.get("source"):
        conditions.append(bare_url(Lead.page_url) == bare_address(filters["source"]))
    if filters.get("status") == "confirmed":
        conditions.append(Lead.confirmed_at.is_not(None))
    elif filters.get("status") == "unconfirmed":
        conditions.append(Lead.confirmed_at.is_(None))
    if filters.get("q"):
        conditions.append(_search((Lead.name, Lead.email), filters["q"]))
    return conditions


def lead_query(filters, columns=LEAD_COLUMNS):
    """Leads matching filters, newest first (columns must hold Lead.id and created_at)."""
    query = select(*columns).where(and_(true(), *lead_conditions(filters)))
    if not filters.get("q"):
        return query.order_by(Lead.created_at.desc(), Lead.id.desc())
    # A search finds its matches first (PostgreSQL: through the trigram index), then orders
    # them. Left to choose, PostgreSQL may instead walk every lead newest first hoping to
    # meet a page of matches soon, and for a rare name reads them all; OFFSET 0 keeps the
    # subquery from being merged into the ordered query.
    found = query.offset(0).subquery()
    return select(*found.c).order_by(found.c.created_at.desc(), found.c.id.desc())


def booking_query(filters, columns=None):
    """Bookings matching filters (the date is the meeting's), soonest first."""
    columns = columns or booking_columns()
    conditions = _day_range(Booking.starts_at, filters)
    if filters.get("language"):
        conditions.append(Booking.language == filters["language"])
    if filters.get("standard"):
        # topics is a comma-separated list of keys: the key alone, first, last or between.
        key = filters["standard"]
        conditions.append(or_(Booking.topics == key,
                              Booking.topics.startswith(key + ",", autoescape=True),
                              Booking.topics.endswith("," + key, autoescape=True),
                              Booking.topics.contains(f",{key},", autoescape=True)))
    if filters.get("source"):
        conditions.append(bare_url(Booking.page_url) == bare_address(filters["source"]))
    if filters.get("status"):
        conditions.append(stage_condition(filters["status"]))
    if filters.get("q"):
        conditions.append(_search((Booking.name, Booking.company, Booking.email),
                                  filters["q"]))
    return (select(*columns).outerjoin(FollowUp, FollowUp.booking_id == Booking.id)
            .where(and_(true(), *conditions)).order_by(Booking.starts_at, Booking.id))


def source_pages(session, limit=200):
    """The distinct pages leads and bookings came from (bare addresses), for the filter.

    The list is kept for DESK_SOURCES_SECONDS (a new article's first lead may show up in the
    filter that late); reading it again costs one index probe per page (_distinct_pages).
    """
    from flask import current_app

    cache = current_app.extensions.setdefault("desk_source_pages", {})
    seconds = current_app.config["DESK_SOURCES_SECONDS"]
    now = time_module.monotonic()
    if cache.get("until", 0) > now and cache.get("limit") == limit:
        return cache["pages"]
    pages = _source_pages(session, limit)
    if seconds > 0:
        cache.update(pages=pages, limit=limit, until=now + seconds)
    return pages


def _source_pages(session, limit):
    pages = set(_distinct_pages(session, Lead, limit)) | set(
        _distinct_pages(session, Booking, limit))
    return sorted(pages)[:limit]


def _distinct_pages(session, model, limit):
    """The first limit distinct bare addresses of model's rows, in order.

    A recursive query steps from one address to the next larger one: on PostgreSQL each step
    is one probe of the address index (migration 0008), not a pass over every row.
    """
    page = bare_url(model.page_url)
    one = literal_column("1")  # one type (integer) in both parts of the recursive query
    pages = select(func.min(page).label("page"), one.label("step")).cte(
        "pages", recursive=True)
    following = select(func.min(page)).where(page > pages.c.page).scalar_subquery()
    pages = pages.union_all(select(following, pages.c.step + one).where(
        pages.c.page.is_not(None), pages.c.step < limit))
    return session.scalars(select(pages.c.page).where(pages.c.page.is_not(None)))


def emails_with_bookings(session, emails):
    """The subset of emails that also have a booking."""
    if not emails:
        return set()
    return set(session.scalars(select(func.lower(Booking.email))
                               .where(func.lower(Booking.email).in_(emails))))


def emails_with_leads(session, emails):
    """The subset of emails that also have an e-book lead."""
    if not emails:
        return set()
    return set(session.scalars(select(Lead.email).where(Lead.email.in_(emails))))
