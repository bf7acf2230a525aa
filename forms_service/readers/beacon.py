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
from flask_babel import gettext

from ..i18n import languages
from .payload import BadView, read_view

bp = Blueprint("readers", __name__, url_prefix="/readers")
BEACON_PATH = "/readers/beacon"
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
    response = jsonify({"ok": False, "message": gettext(msgid)})
    response.status_code = status
    return response


def left_out(gpc, purpose):
    """Not counted, by choice: the visitor opted out, or no person is looking at the page."""
    purpose = purpose.lower()
    return gpc.strip() == "1" or "prefetch" in purpose or "prerender" in purpose


def site_parts(config):
    """(the site's origin, its host name) from SITE_URL."""
    site = urlsplit(config["SITE_URL"])
    return f"{site.scheme}://{site.netloc}", site.hostname or ""


@bp.post("/beacon")
def beacon():
    """Count one page view (fast.py answers the well-formed ones before Flask does)."""
    g.log_without_address = True  # the request log keeps no address of a reader either
    origin, host = site_parts(current_app.config)
    if request.headers.get("Origin") != origin:
        return _refuse(403, "This page view came from another site.")
    if (request.content_length or 0) > current_app.config["READERS_MAX_BYTES"]:
        return _refuse(413, "This page view is too large to be counted.")
    body = request.stream.read(current_app.config["READERS_MAX_BYTES"] + 1)
    if len(body) > current_app.config["READERS_MAX_BYTES"]:
        return _refuse(413, "This page view is too large to be counted.")
    try:
        view = read_view(body, languages(), host)
    except BadView:
        return _refuse(400, "This page view could not be read.")
    g.lang = view["language"]
    headers = request.headers
    if not left_out(headers.get("Sec-GPC", ""),
                    headers.get("Sec-Purpose", "") + headers.get("Purpose", "")) \
            and not is_crawler(request.user_agent.string):
        current_app.extensions["readers"].count(
            view, origin.split("://", 1)[1], request.remote_addr, request.user_agent.string)
    return "", 204
