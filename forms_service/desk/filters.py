"""The filter form of a list, with its choices filled in."""

from flask import request

from ..db import db
from ..i18n import languages, translate
from .forms import FilterForm
from .models import FOLLOW_UP_STATUSES
from .queries import LEAD_STATUSES, STANDARDS, source_pages


def filter_form(kind):
    """FilterForm for kind ("leads" or "bookings") read from the query string."""
    form = FilterForm(request.args)
    everything = ("", translate("All"))
    form.language.choices = [everything] + [(code, code) for code in languages()]
    form.standard.choices = [everything] + list(STANDARDS)
    form.source.choices = [everything] + [(url, url) for url in source_pages(db.session)]
    statuses = LEAD_STATUSES if kind == "leads" else FOLLOW_UP_STATUSES
    form.status.choices = [everything] + [(s, translate(s)) for s in statuses]
    return form
