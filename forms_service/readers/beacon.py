"""POST /readers/beacon: one page view, sent by the site's readers.js with sendBeacon.

The answer is 204 at once whether the view was counted or left out (an opt-out, a prefetch,
a crawler, a visitor over the rate limit): the browser does not read it. Only a request
that is not a page view at all is refused, with a message like every other refusal.
"""

import functools
import threading
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from flask import Blueprint, current_app, g, jsonify, request

from ..i18n import languages, translate
from .payload import BadView, read_view

bp = Blueprint("readers", __name__, url_prefix="/readers")
_detector_lock = threading.Lock()
_detector = CrawlerDetect()


@functools.lru_cache(maxsize=4096)
def is_crawler(user_agent):
    """A known crawler by its user agent (crawlerdetect's list); no user agent is one too."""
    if not user_agent.strip():
        return True
    with _detector_lock:  # the detector keeps its last match on itself
        return _detector.isCrawler(user_agent)


def _refuse(status, msgid):
    response = jsonify({"ok": False, "message": translate(msgid)})
    response.status_code = status
    return response


def _left_out():
    """Not counted, by choice: the visitor opted out, or no person is looking at the page."""
    if request.headers.get("Sec-GPC", "").strip() == "1":
        return True
    purpose = (request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", ""))
    return "prefetch" in purpose.lower() or "prerender" in purpose.lower()


@bp.post("/beacon")
def beacon():
    """Count one page view."""
    site = urlsplit(current_app.config["SITE_URL"])
    if request.headers.get("Origin") != f"{site.scheme}://{site.netloc}":
        return _refuse(403, "This page view came from another site.")
    if (request.content_length or 0) > current_app.config["READERS_MAX_BYTES"]:
        return _refuse(413, "This page view is too large to be counted.")
    body = request.stream.read(current_app.config["READERS_MAX_BYTES"] + 1)
    if len(body) > current_app.config["READERS_MAX_BYTES"]:
        return _refuse(413, "This page view is too large to be counted.")
    try:
        view = read_view(body, languages(), site.hostname or "")
    except BadView:
        return _refuse(400, "This page view could not be read.")
    g.lang = view["language"]
    if not _left_out() and not is_crawler(request.user_agent.string):
        current_app.extensions["readers"].count(
            view, site.netloc, request.remote_addr, request.user_agent.string)
    return "", 204
