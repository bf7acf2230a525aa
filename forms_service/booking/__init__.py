"""Meeting booking: free slots, atomic reservation, calendar invites (issue 6).

init_app reads the availability file (instance/availability.toml, else the committed
example), registers the blueprint, tells the outbox how to build the booking mails and
connects the sales notifications to the booking events (notifications.py).
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
    """Load the availability, register the blueprint, the mail builders and sales' receivers."""
    from ..outbox import register_kind
    from . import manage, notifications, views  # noqa: F401 - manage and views add routes to bp
    from .blueprint import bp
    from .calendars import cli, feed_view, writeback
    from .mails import BUILDERS, deliver, visitor_mail

    app.extensions["booking_availability"] = load_availability(availability_file(app))
    for kind, build in BUILDERS.items():
        # The visitor's confirmation never waits behind sales' notifications.
        register_kind(kind, deliver, lane="visitor" if build is visitor_mail else "staff")
    for kind in writeback.KINDS:
        register_kind(kind, writeback.deliver, lane=writeback.LANE,
                      destination=writeback.destination)
    register_kind(writeback.ERASE_KIND, writeback.deliver_erase, lane=writeback.LANE,
                  destination=writeback.destination)
    notifications.connect()
    writeback.connect()
    app.register_blueprint(bp)
    app.register_blueprint(feed_view.bp)
    app.cli.add_command(cli.calendars_cli)
