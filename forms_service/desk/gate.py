"""What every desk request goes through: language, login, CSRF and strict headers."""

import posixpath
import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from flask import abort, g, jsonify, redirect, request, session, url_for

from ..guard import csrf_ok
from ..i18n import pick_language, use_language
from ..responses import wants_json
from . import sessions

PUBLIC_ENDPOINTS = {"desk.auth.login", "desk.static"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def protect(bp):
    """Put bp (and the blueprints nested in it) behind the gate."""
    bp.before_request(_before)
    bp.after_request(_after)


def current_user():
    """The logged-in staff user of this request, or None."""
    if "desk_user" not in g:
        g.desk_user = _session_user()
    return g.desk_user


def log_in(user):
    """Start a fresh session for user (a new token defeats session fixation)."""
    language = session.get("desk_lang")
    session.clear()
    session["desk_session"] = sessions.start(user)
    if language:
        session["desk_lang"] = language


def log_out():
    """End the session on the server too: a saved copy of the cookie opens nothing."""
    sessions.end(session.get("desk_session"))
    session.clear()


# Characters no desk address holds, and which must never reach the Location header.
_UNSAFE_IN_TARGET = re.compile(r"[\x00-\x1f\x7f\\]")


def local_target(target):
    """Return target as a path on this desk, else None (no open redirects, no header tricks).

    The path is resolved as a browser would (percent-decoded, then ".." and "." and doubled
    slashes) and must stay under the desk. A control character (CR, LF, NUL, ...) or a
    backslash refuses it: anywhere as such, and in the path percent-encoded too (in the
    query they stay encoded, harmless). The query is kept, the fragment dropped.
    """
    if not target or _UNSAFE_IN_TARGET.search(target):
        return None
    parts = urlsplit(target)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or _UNSAFE_IN_TARGET.search(path):
        return None
    path = posixpath.normpath(path or "/")
    if parts.path.endswith("/") and not path.endswith("/"):
        path += "/"
    prefix = url_for("desk.leads.index")  # the desk's home, with a slash at the end
    if not (path + "/").startswith(prefix):  # "/admin" itself, or below "/admin/"
        return None
    return urlunsplit(("", "", quote(path), parts.query, ""))


def _session_user():
    user = sessions.user_for(session.get("desk_session"))
    if user is None and "desk_session" in session:
        session.pop("desk_session")
    return user


def _before():
    requested = request.args.get("lang")
    if requested:
        session["desk_lang"] = pick_language(requested)
    use_language(session.get("desk_lang"))
    if request.endpoint not in PUBLIC_ENDPOINTS and current_user() is None:
        if wants_json():
            response = jsonify({"ok": False, "message": "login required"})
            response.status_code = 401
            return response
        # The full address as the browser sees it: behind gunicorn the app lives at /forms
        # (script_root), and local_target only accepts paths under the desk's own URL.
        target = request.script_root + request.full_path.rstrip("?")
        return redirect(url_for("desk.auth.login", next=target))
    if request.method == "POST" and not csrf_ok():
        abort(400)
    return None


def _after(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
