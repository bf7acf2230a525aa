"""The filter form of a list, with its choices filled in."""

from flask import g
from flask_babel import gettext

from ..db import db
from ..i18n import languages
from .articles import article_index, url_path
from .forms import FilterForm
from .lifecycle import STAGES, stage_label
from .queries import LEAD_STATUSES, STANDARDS, source_pages


def filter_form(kind, args=None):
    """FilterForm for kind ("leads" or "bookings") read from the query string."""
    from flask import request

    form = FilterForm(request.args if args is None else args)
    index = article_index()
    everything = ("", gettext("All"))
    form.language.choices = [everything] + [(code, code) for code in languages()]
    form.standard.choices = [everything] + list(STANDARDS)
    form.source.choices = [everything] + [
        (url, index.title(url_path(url), g.lang) or url) for url in source_pages(db.session)]
    if kind == "leads":
        form.status.choices = [everything] + [(s, gettext(s)) for s in LEAD_STATUSES]
    else:
        form.status.choices = [everything] + [(s, stage_label(s)) for s in STAGES]
    if form.standard.data:
        # Articles the site's index files under the standard, whatever their address says.
        form.extra = {"standard_paths": index.paths_about(form.standard.data.lower())}
    return form


def overview_form():
    """The overview's filters: the date range and the language."""
    from flask import request

    form = FilterForm(request.args)
    form.language.choices = [("", gettext("All"))] + [(code, code) for code in languages()]
    for name in ("standard", "source", "status", "q"):
        # Not offered on the overview: ignore them if a link carries them.
        form[name].data = None
    return form
