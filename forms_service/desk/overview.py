"""The desk's home page: what brings leads and meetings, over a date range and a language."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, g, render_template
from flask_babel import gettext
from sqlalchemy import func, select, true

from ..booking.display import HOME_ZONE, as_utc
from ..booking.models import CONFIRMED, Booking
from ..db import db
from ..models import utcnow
from . import charts
from .articles import article_index, url_path
from .counts import as_date, funnel_counts, lead_breakdown
from .filters import overview_form
from .queries import lead_conditions
from .templating import consultant_name

bp = Blueprint("overview", __name__)
WEEKS = 12
TOP = 10
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    """The days counted, first and last included (UTC days, as the list filters)."""

    first: date
    last: date

    @classmethod
    def default(cls, today):
        """The last WEEKS weeks: from a Monday WEEKS - 1 weeks back to today."""
        monday = today - timedelta(days=today.weekday())
        return cls(monday - timedelta(weeks=WEEKS - 1), today)

    def weeks(self):
        """The Mondays of the weeks the period touches."""
        monday = self.first - timedelta(days=self.first.weekday())
        while monday <= self.last:
            yield monday
            monday += timedelta(weeks=1)

    def range_of(self, column):
        return [column >= datetime.combine(self.first, time.min),
                column < datetime.combine(self.last + timedelta(days=1), time.min)]


def per_day(column, conditions, *counts):
    """[(day, count, *counts)] of the rows matching conditions, by column's UTC day."""
    day = func.date(column)
    rows = db.session.execute(select(day, func.count(), *counts).where(*conditions)
                              .group_by(day))
    return [(as_date(value), *numbers) for value, *numbers in rows]


def per_week(days, period):
    """[count] for each week of period, from per_day() rows."""
    counts = Counter()
    for day, count, *_rest in days:
        counts[day - timedelta(days=day.weekday())] += count
    return [counts.get(monday, 0) for monday in period.weeks()]


def top(rows, other_label):
    """The TOP largest rows, and the rest summed as one "other" row."""
    if len(rows) <= TOP:
        return rows
    rest = sum(count for _label, count in rows[TOP - 1:])
    return rows[:TOP - 1] + [(other_label, rest)]


def by_article(pages, language):
    """[(label, href, count)] of leads by the article they came from, from lead_breakdown().

    The language versions of one article are counted together, under its title in the
    desk's language; an address the site's index does not know is shown as its path.
    """
    index = article_index()
    counts, paths = Counter(), {}
    # Grouped by the whole address (cheaper than cutting each one in SQL), then by path.
    for url, count, _confirmed in pages:
        path = url_path(url)
        item = index.article(path)
        key = ("article", item.get("translation_key") or path) if item else ("page", path)
        counts[key] += count
        paths.setdefault(key, path)
    rows = []
    for key, count in counts.items():
        path = paths[key]
        title = index.title(path, language) if key[0] == "article" else None
        href = index.href(path, language, "") if title else None
        rows.append((title or path or gettext("(no page)"), href, count))
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def funnel(conditions, lead_days):
    """Leads signed up, confirmed, who booked a meeting, whose meeting was held."""
    signed_up = sum(count for _day, count, _confirmed in lead_days)
    confirmed = sum(confirmed for _day, _count, confirmed in lead_days)
    counts = [signed_up, confirmed, *funnel_counts(conditions)]
    labels = (gettext("Signed up"), gettext("Confirmed the address"),
              gettext("Booked a meeting"), gettext("Meeting held"))
    return list(zip(labels, counts, strict=True))


def consultant_weeks(language, now):
    """[(consultant name, meetings this week, next week)] in Stockholm weeks."""
    zone = ZoneInfo(HOME_ZONE)
    today = as_utc(now).astimezone(zone).date()
    monday = datetime.combine(today - timedelta(days=today.weekday()), time.min, zone)
    bounds = [monday.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
              for monday in (monday, monday + timedelta(weeks=1), monday + timedelta(weeks=2))]
    conditions = [Booking.status == CONFIRMED, Booking.starts_at >= bounds[0],
                  Booking.starts_at < bounds[2]]
    if language:
        conditions.append(Booking.language == language)
    counts = defaultdict(lambda: [0, 0])
    for consultant, starts_at in db.session.execute(
            select(Booking.consultant, Booking.starts_at).where(*conditions)):
        counts[consultant][0 if starts_at < bounds[1] else 1] += 1
    return sorted(((consultant_name(key), *weeks) for key, weeks in counts.items()),
                  key=lambda r: r[0])


def overview_data(period, language):
    """Every number the overview shows."""
    filters = {"date_from": period.first, "date_to": period.last}
    if language:
        filters["language"] = language
    leads = [true(), *lead_conditions(filters)]
    meetings = [Booking.status == CONFIRMED, *period.range_of(Booking.starts_at)]
    if language:
        meetings.append(Booking.language == language)
    none = gettext("(none)")
    weeks = list(period.weeks())
    counts = lead_breakdown(leads)
    lead_days = counts["day"]
    return {
        "weeks": weeks,
        "leads_per_week": per_week(lead_days, period),
        "meetings_per_week": per_week(per_day(Booking.starts_at, meetings), period),
        "articles": by_article(counts["page_url"], g.lang),
        "utm_sources": [(value or none, count) for value, count, _c in counts["utm_source"]],
        "utm_campaigns": [(value or none, count)
                          for value, count, _c in counts["utm_campaign"]],
        "languages": [(value, count) for value, count, _c in counts["language"]],
        "funnel": funnel(leads, lead_days),
        "consultants": consultant_weeks(language, utcnow()),
    }


def draw(data):
    """The charts of data, as inline SVG."""
    week = gettext("Week")
    labels = [str(monday.isocalendar().week) for monday in data["weeks"]]
    other = gettext("All others")
    return {
        "weekly": charts.bars(gettext("Leads and meetings per week"), labels, [
            (gettext("Leads"), data["leads_per_week"]),
            (gettext("Meetings"), data["meetings_per_week"])], x_title=week),
        "articles": charts.ranking(gettext("Leads by source article"), top(
            [(label, count) for label, _href, count in data["articles"]], other)),
        "utm_sources": charts.ranking(gettext("Leads by UTM source"),
                                      top(data["utm_sources"], other)),
        "funnel": charts.ranking(gettext("From signup to meeting"), data["funnel"]),
        "consultants": charts.bars(
            gettext("Meetings per consultant"), [row[0] for row in data["consultants"]],
            [(gettext("This week"), [row[1] for row in data["consultants"]]),
             (gettext("Next week"), [row[2] for row in data["consultants"]])]),
    }


@bp.get("/overview")
def overview():
    """What brings leads and meetings: counts over time, by source, the funnel."""
    form = overview_form()
    values = form.values()
    today = utcnow().date()
    default = Period.default(today)
    first, last = sorted((values.get("date_from", default.first),
                          values.get("date_to", default.last)))
    # At most MAX_DAYS, ending no later than a year ahead: a chart of centuries (or a date
    # at the end of the calendar) helps no one.
    last = min(last, today + timedelta(days=366))
    period = Period(max(first, last - timedelta(days=MAX_DAYS)), last)
    data = overview_data(period, values.get("language"))
    data["weekly_rows"] = [
        (f"{monday.isocalendar().week} ({monday.isoformat()})", leads, meetings)
        for monday, leads, meetings in zip(data["weeks"], data["leads_per_week"],
                                           data["meetings_per_week"], strict=True)]
    # Panels other features add (readers/report.py): callables (period, language) -> markup.
    sections = [show(period, values.get("language"))
                for show in current_app.extensions.get("desk_overview_sections", ())]
    return render_template("desk/overview.html", form=form, period=period, data=data,
                           charts=draw(data), lang=g.lang, title=gettext("Overview"),
                           sections=sections)
