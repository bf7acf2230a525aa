"""GET /csrf: a fresh CSRF token for the JavaScript form."""

from flask import Blueprint, jsonify
from flask_wtf.csrf import generate_csrf

bp = Blueprint("csrf", __name__)


@bp.get("/csrf")
def token():
    """Return {"csrf_token": ...}; never cached, since it is bound to the session cookie."""
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response
