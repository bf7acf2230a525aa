"""The beacon's body, read and checked: what one page view may say."""

import json
import re

from .models import DIMENSIONS

MAX_PATH = 300
MAX_UTM = 100
SCREENS = ("s", "m", "l")  # under 40em, under 64em, wider (readers.js)
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::\d{1,5})?")
FIELDS = {"path": "path", "lang": "language", "ref": "referrer_host",
          "utm_source": "utm_source", "utm_medium": "utm_medium",
          "utm_campaign": "utm_campaign", "screen": "screen"}


class BadView(ValueError):
    """The body is not a page view this service counts."""


def _text(value, limit):
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit or not value.isprintable():
        raise BadView
    return value.strip()


def read_view(body, languages, own_host):
    """The view's DIMENSIONS from a JSON body, or BadView."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadView from exc
    if not isinstance(data, dict):
        raise BadView
    view = {column: _text(data.get(name), MAX_UTM if name.startswith("utm_") else MAX_PATH)
            for name, column in FIELDS.items()}
    # A path only: the query (UTM) and the fragment are sent on their own or not at all.
    view["path"] = view["path"].split("?", 1)[0].split("#", 1)[0]
    if not view["path"].startswith("/") or view["language"] not in languages:
        raise BadView
    host = view["referrer_host"].lower().removeprefix("www.")
    if host and not _HOST.fullmatch(host):
        raise BadView
    # Moving from page to page on the site is not a referrer.
    view["referrer_host"] = "" if host == own_host.removeprefix("www.") else host
    if view["screen"] not in SCREENS + ("",):
        raise BadView
    return {name: view[name] for name in DIMENSIONS}
