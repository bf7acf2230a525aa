"""The reader counts on the desk's overview, joined to the leads and bookings by article.

Views and leads meet on the article: its path, or its translation key when the language
versions are seen together. Conversion is per 100 daily visitors of the article.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import func, select

from ..booking.models import Booking
from ..db import db
from ..desk.articles import article_index, url_path
from ..desk.queries import lead_conditions
from ..models import Lead
from .models import ReaderCount, ReaderDay

TOP = 10


@dataclass
class ArticleRow:
    label: str
    href: str | None
    views: int = 0
    visitors: int = 0
    signups: int = 0
    bookings: int = 0

    def per_100(self, count):
        return round(100 * count / self.visitors, 1) if self.visitors else None

    @property
    def signup_rate(self):
        return self.per_100(self.signups)

    @property
    def booking_rate(self):
        return self.per_100(self.bookings)

    @property
    def conversion(self):
        return self.per_100(self.signups + self.bookings)


def _in_period(column, period):
    return [column >= period.first, column <= period.last]


def _week(day):
    return day - timedelta(days=day.weekday())


def weekly(period, language):
    """[(monday, views, daily visitors)] for each week of period."""
    views, visitors = Counter(), Counter()
    conditions = _in_period(ReaderCount.day, period)
    if language:
        conditions.append(ReaderCount.language == language)
    for day, count in db.session.execute(select(ReaderCount.day, func.sum(ReaderCount.views))
                                         .where(*conditions).group_by(ReaderCount.day)):
        views[_week(day)] += int(count)
    for day, count in db.session.execute(
            select(ReaderDay.day, ReaderDay.visitors).where(
                *_in_period(ReaderDay.day, period), ReaderDay.language == (language or ""))):
        visitors[_week(day)] += count
    return [(monday, views[monday], visitors[monday]) for monday in period.weeks()]


def _article_key(path, index, together):
    item = index.article(path)
    if item is None:
        return None
    return item.get("translation_key") or path if together else path


def _leads_and_bookings(period, language):
    """Counters of signups and bookings by page path, made in the period."""
    filters = {"date_from": period.first, "date_to": period.last}
    if language:
        filters["language"] = language
    signups = Counter()
    for url, count in db.session.execute(select(Lead.page_url, func.count())
                                         .where(*lead_conditions(filters))
                                         .group_by(Lead.page_url)):
        signups[url_path(url)] += count
    conditions = [Booking.replaced_by.is_(None), *period.range_of(Booking.created_at)]
    if language:
        conditions.append(Booking.language == language)
    bookings = Counter()
    for url, count in db.session.execute(select(Booking.page_url, func.count())
                                         .where(*conditions).group_by(Booking.page_url)):
        bookings[url_path(url)] += count
    return signups, bookings


def by_article(period, language, together, desk_language):
    """[ArticleRow] of the site's articles with views or leads, most viewed first."""
    index = article_index()
    rows = {}

    def row(path):
        key = _article_key(path, index, together)
        if key is None:
            return None
        if key not in rows:
            title = index.title(path, desk_language) if together else index.title(path, None)
            href = index.href(path, desk_language, "") if together else path
            rows[key] = ArticleRow(title or path, href)
        return rows[key]

    conditions = _in_period(ReaderCount.day, period)
    if language:
        conditions.append(ReaderCount.language == language)
    for path, views, visitors in db.session.execute(
            select(ReaderCount.path, func.sum(ReaderCount.views), func.sum(ReaderCount.visitors))
            .where(*conditions).group_by(ReaderCount.path)):
        if (found := row(path)) is not None:
            found.views += int(views)
            found.visitors += int(visitors)
    signups, bookings = _leads_and_bookings(period, language)
    for counts, name in ((signups, "signups"), (bookings, "bookings")):
        for path, count in counts.items():
            if (found := row(path)) is not None:
                setattr(found, name, getattr(found, name) + count)
    return sorted(rows.values(), key=lambda r: (-r.views, r.label))


def by_conversion(rows):
    """The articles read by someone, best converting first."""
    return sorted((row for row in rows if row.visitors),
                  key=lambda r: (-r.conversion, -r.visitors, r.label))


def _grouped(columns, period, language):
    conditions = _in_period(ReaderCount.day, period)
    if language:
        conditions.append(ReaderCount.language == language)
    return db.session.execute(
        select(*columns, func.sum(ReaderCount.views), func.sum(ReaderCount.visitors))
        .where(*conditions).group_by(*columns)).all()


def top_referrers(period, language):
    """[(referrer host, views, visitors)], most views first; no referrer as "(none)"."""
    rows = [(host or gettext("(none)"), int(views), int(visitors))
            for host, views, visitors in _grouped([ReaderCount.referrer_host], period, language)]
    return sorted(rows, key=lambda r: (-r[1], r[0]))[:TOP]


def top_campaigns(period, language):
    """[(source / medium / campaign, views, visitors)] of views with UTM values."""
    columns = [ReaderCount.utm_source, ReaderCount.utm_medium, ReaderCount.utm_campaign]
    none = gettext("(none)")
    rows = [(" / ".join(value or none for value in values), int(views), int(visitors))
            for *values, views, visitors in _grouped(columns, period, language)
            if any(values)]
    return sorted(rows, key=lambda r: (-r[1], r[0]))[:TOP]


def readers_data(period, language, together, desk_language):
    """Every reader number the overview shows (pending counts written first)."""
    counter = current_app.extensions.get("readers")
    if counter is not None:
        counter.flush()
    articles = by_article(period, language, together, desk_language)
    return {
        "weekly": weekly(period, language),
        "articles": articles,
        "conversion": by_conversion(articles)[:TOP],
        "referrers": top_referrers(period, language),
        "campaigns": top_campaigns(period, language),
        "together": together,
    }


def section(period, language):
    """The overview's reader panels, rendered (registered in desk_overview_sections)."""
    from flask import g, render_template, request

    from ..desk import charts

    together = request.args.get("versions") != "apart"
    data = readers_data(period, language, together, g.lang)
    labels = [str(monday.isocalendar().week) for monday, _v, _d in data["weekly"]]
    title = gettext("Readers per week")
    drawn = {
        "weekly": charts.bars(title, labels, [
            (gettext("Views"), [views for _m, views, _d in data["weekly"]]),
            (gettext("Daily visitors"), [visitors for _m, _v, visitors in data["weekly"]])],
            x_title=gettext("Week")),
        "conversion": charts.ranking(gettext("Articles by conversion"), [
            (row.label, row.conversion) for row in data["conversion"]]),
    }
    args = {key: value for key, value in request.args.items() if key != "versions"}
    return Markup(render_template("readers/desk_section.html", data=data, charts=drawn,
                                  args=args))
