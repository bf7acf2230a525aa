"""The health check: is the database reachable, how much mail is waiting."""

from flask import Blueprint, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .db import db
from .models import OutboxMessage

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    """Answer 200 when the database works, 503 when it does not."""
    try:
        pending = db.session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.status.in_(("pending", "sending"))))
    except SQLAlchemyError:
        # Reported, not raised: a health check must answer even when the database does not.
        db.session.rollback()
        body, status = {"ok": False, "database": "unavailable"}, 503
    else:
        body, status = {"ok": True, "database": "ok", "outbox_pending": pending}, 200
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
