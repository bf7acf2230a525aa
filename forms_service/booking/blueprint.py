"""The booking blueprint and the helpers its views share."""

from datetime import UTC, datetime

from flask import Blueprint, current_app

bp = Blueprint("booking", __name__, url_prefix="/booking")


def availability():
    """The Availability loaded by init_app."""
    return current_app.extensions["booking_availability"]


def now():
    """The current time (aware, UTC); tests may set BOOKING_CLOCK."""
    clock = current_app.config.get("BOOKING_CLOCK")
    return clock() if clock else datetime.now(UTC)
