"""The overview's counts of leads, each in one statement however many ways they are split."""

from datetime import date

from sqlalchemy import and_, case, func, literal, select, tuple_, union_all

from ..booking.models import CONFIRMED, Booking
from ..db import db
from ..models import Lead
from .lifecycle import HELD
from .models import FollowUp

# The ways the overview splits the leads: by UTC day, by page, by UTM source and campaign,
# by language.
DIMENSIONS = ("day", "page_url", "utm_source", "utm_campaign", "language")


def as_date(value):
    # func.date() gives a date on PostgreSQL and "YYYY-MM-DD" text on SQLite.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _columns():
    return (func.date(Lead.created_at), Lead.page_url, Lead.utm_source, Lead.utm_campaign,
            Lead.language)


def lead_breakdown(conditions):
    """The leads matching conditions counted by each of DIMENSIONS, in one statement.

    Returns {dimension: [(value, leads, confirmed leads)]}, days in date order and the
    rest most first. PostgreSQL reads the leads once (GROUPING SETS); SQLite, which has no
    grouping sets, runs one GROUP BY per dimension in the same statement.
    """
    columns = _columns()
    counts = (func.count(), func.count(Lead.confirmed_at))
    if db.session.get_bind().dialect.name == "postgresql":
        # grouping() has one bit per column, set when the row is not grouped by it.
        query = (select(func.grouping(*columns), *columns, *counts).where(*conditions)
                 .group_by(func.grouping_sets(*(tuple_(column) for column in columns))))
        rows = []
        for mask, *values, leads, confirmed in db.session.execute(query):
            kind = _grouped_by(mask)
            rows.append((kind, values[kind], leads, confirmed))
    else:
        query = union_all(*(
            select(literal(kind), column, *counts).where(*conditions).group_by(column)
            for kind, column in enumerate(columns)))
        rows = list(db.session.execute(query))
    found = {name: [] for name in DIMENSIONS}
    for kind, value, leads, confirmed in rows:
        found[DIMENSIONS[kind]].append((value, leads, confirmed))
    found["day"] = sorted((as_date(day), leads, confirmed)
                          for day, leads, confirmed in found["day"])
    for name in DIMENSIONS[1:]:
        found[name].sort(key=lambda row: (-row[1], str(row[0])))
    return found


def _grouped_by(mask):
    """The index of the one column a GROUPING SETS row is grouped by, from grouping()."""
    width = len(DIMENSIONS)
    return next(index for index in range(width) if not mask & (1 << (width - 1 - index)))


def funnel_counts(conditions):
    """(booked, held): of the leads matching conditions, how many booked a meeting (one not
    replaced by a move) and how many had one held, matched by e-mail in any case.

    One statement: the bookings are summed per address, then joined to the leads once.
    """
    email = func.lower(Booking.email)
    per_address = (
        select(email.label("email"),
               func.max(case((Booking.replaced_by.is_(None), 1), else_=0)).label("booked"),
               func.max(case((and_(Booking.status == CONFIRMED, FollowUp.status.in_(HELD)), 1),
                             else_=0)).label("held"))
        .outerjoin(FollowUp, FollowUp.booking_id == Booking.id).group_by(email).subquery())
    booked, held = db.session.execute(
        select(func.coalesce(func.sum(per_address.c.booked), 0),
               func.coalesce(func.sum(per_address.c.held), 0))
        .select_from(Lead).join(per_address, per_address.c.email == func.lower(Lead.email))
        .where(*conditions)).one()
    return int(booked), int(held)
