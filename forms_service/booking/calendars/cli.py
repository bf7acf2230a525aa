"""`flask calendars ...`: the consultants' private feeds, and writing bookings again."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ...db import db
from ...outbox import echo_database
from ..blueprint import now
from ..models import CONFIRMED, Booking
from . import feeds, writeback

calendars_cli = AppGroup("calendars", help="The consultants' calendars and meeting feeds.")


def _consultant(key):
    person = current_app.extensions["booking_availability"].consultant(key)
    if person is None:
        keys = ", ".join(c.key for c in current_app.extensions["booking_availability"]
                         .consultants)
        raise click.ClickException(f"no consultant {key!r} in the availability file "
                                   f"(there are: {keys})")
    return person


def _site_context():
    app = current_app._get_current_object()
    return app.test_request_context(base_url=app.config["SITE_URL"] + app.config["FORMS_PREFIX"])


@calendars_cli.command("feed")
@click.argument("consultant")
def feed_command(consultant):
    """Make CONSULTANT's private feed address (a new one replaces the old)."""
    echo_database()
    person = _consultant(consultant)
    token = feeds.issue(person.key, by="cli")
    with _site_context():
        url = feeds.feed_url(token)
    click.echo(f"feed of {person.name} (shown once; the old address, if any, stops working):")
    click.echo(url)
    click.echo(feeds.webcal(url))


@calendars_cli.command("revoke")
@click.argument("consultant")
def revoke_command(consultant):
    """Revoke CONSULTANT's feed address: it answers 404 from now on."""
    echo_database()
    person = _consultant(consultant)
    if feeds.revoke(person.key):
        click.echo(f"feed of {person.name} revoked")
    else:
        click.echo(f"{person.name} has no feed")


@calendars_cli.command("feeds")
def feeds_command():
    """List which consultants have a feed, and since when."""
    echo_database()
    existing = feeds.feeds()
    for person in current_app.extensions["booking_availability"].consultants:
        feed = existing.get(person.key)
        since = f"since {feed.created_at:%Y-%m-%d %H:%M} UTC" if feed else "none"
        click.echo(f"{person.key}\t{since}")


@calendars_cli.command("push")
def push_command():
    """Queue every upcoming booking for its consultant's CalDAV calendar (after connecting one)."""
    echo_database()
    upcoming = db.session.scalars(select(Booking).where(
        Booking.status == CONFIRMED, Booking.replaced_by.is_(None),
        Booking.ends_at >= now().replace(tzinfo=None))).all()
    count = sum(writeback.schedule(booking, "book") for booking in upcoming)
    db.session.commit()
    click.echo(f"{count} booking(s) queued for the consultants' calendars")
