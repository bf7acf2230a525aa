"""Meeting booking: free slots, atomic reservation, calendar invites (issue 6).

init_app reads the availability file (instance/availability.toml, else the committed
example), registers the blueprint and tells the outbox how to build the booking mails.
"""

from pathlib import Path

from .availability import load_availability

EXAMPLE = Path(__file__).parent / "availability.example.toml"


def availability_file(app):
    """FORMS_BOOKING_AVAILABILITY, else instance/availability.toml, else the example."""
    configured = app.config.get("BOOKING_AVAILABILITY_FILE")
    if configured:
        return Path(configured)
    instance = Path(app.instance_path) / "availability.toml"
    return instance if instance.is_file() else EXAMPLE


def init_app(app):
    """Load the availability, register the blueprint and the outbox mail builders."""
    from ..outbox import register_kind
    from . import manage, views  # noqa: F401 - the modules add their routes to bp
    from .blueprint import bp
    from .mails import BUILDERS, deliver, visitor_mail

    app.extensions["booking_availability"] = load_availability(availability_file(app))
    for kind, build in BUILDERS.items():
        # The visitor's confirmation never waits behind sales' notifications.
        register_kind(kind, deliver, lane="visitor" if build is visitor_mail else "staff")
    app.register_blueprint(bp)
