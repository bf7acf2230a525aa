"""Read what a visitor sent, and refuse what no form of ours could have sent.

Every request's query string and form fields are checked for control characters
(check_request, run before every view); a public form's JSON body must be an object whose
values are text (read_fields). A refusal is a BadInput, answered 422 in the reader's
language, naming the field (errors.py).
"""

import math
import re

from flask import request
from flask_babel import lazy_gettext
from werkzeug.datastructures import MultiDict

# C0 and C1 controls and DEL. Tab, newline and carriage return are allowed: free text keeps
# its lines, one-line fields squash all white space, and nothing of a query reaches a header
# unencoded (the desk's `next` is checked on its own: desk/gate.py).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ELAPSED_MAX_MS = 7 * 24 * 3600 * 1000  # a form open for a week is still a person's

# Labels for the fields a reader can see; other names are shown as sent.
FIELD_LABELS = {
    "name": lazy_gettext("Name"), "email": lazy_gettext("E-mail"),
    "company": lazy_gettext("Company"), "phone": lazy_gettext("Phone"),
    "message": lazy_gettext("Message"), "notes": lazy_gettext("Notes"), "q": lazy_gettext("Search"),
}


class BadInput(Exception):
    """A field no form of ours sends that way. field is None for the body as a whole."""

    def __init__(self, field, message):
        super().__init__(field)
        self.field = field
        self.message = message


def field_label(name):
    return str(FIELD_LABELS.get(name, name))


def _control_characters(field):
    return BadInput(field, lazy_gettext("The field “%(field)s” contains characters that are not "
                                        "allowed. Please remove them and try again."))


def _check(items, pattern):
    for name, value in items:
        if pattern.search(name):
            raise _control_characters(pattern.sub("", name)[:40])
        if pattern.search(value):
            raise _control_characters(name[:40])


def check_request():
    """Refuse control characters in the query string and in form fields (any view)."""
    _check(request.args.items(multi=True), _CONTROL)
    if request.method == "POST" and request.mimetype in {
            "application/x-www-form-urlencoded", "multipart/form-data"}:
        _check(request.form.items(multi=True), _CONTROL)


def read_fields():
    """The submitted fields as a MultiDict, from a form body or a JSON object of text values."""
    if not request.is_json:
        return request.form
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadInput(None, lazy_gettext("Please send the form's fields as text."))
    fields = MultiDict()
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in values):
            raise BadInput(name[:40], lazy_gettext("Please send the form's fields as text."))
        for item in values:
            fields.add(name, item)
    _check(fields.items(multi=True), _CONTROL)
    return fields


def milliseconds(value, field="elapsed"):
    """A finite, non-negative number of milliseconds from value, or None when it is empty."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not 0 <= number <= ELAPSED_MAX_MS:
        raise BadInput(field, lazy_gettext("The form's timing was not a number of milliseconds. "
                                           "Please reload the page and try again."))
    return number
