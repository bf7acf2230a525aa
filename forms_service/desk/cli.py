"""Desk commands: `flask users ...`, `flask privacy ...` and `flask digest send`."""

import json
import sys
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup

from ..outbox import echo_database
from . import sessions
from .digest import queue_digest
from .passwords import UserError, create_user, disable_user, find_user, set_password
from .privacy import erase_person, export_person, purge_unconfirmed

users_cli = AppGroup("users", help="Staff users of the sales desk.")
privacy_cli = AppGroup("privacy", help="Privacy requests and retention.")
digest_cli = AppGroup("digest", help="The daily digest for sales.")


@contextmanager
def user_errors():
    """A refused user command (unknown address, weak password) ends with its message."""
    try:
        yield
    except UserError as exc:
        raise click.ClickException(str(exc)) from None


@users_cli.command("create")
@click.option("--email", prompt=True, help="The user's e-mail address (the login name).")
@click.password_option(help="Asked for when not given (never put it in shell history).")
def create_command(email, password):
    """Create a staff user who can log in to /forms/admin/."""
    echo_database()
    with user_errors():
        user = create_user(email, password)
    click.echo(f"created {user.email}")


@users_cli.command("password")
@click.argument("email")
@click.password_option(help="Asked for when not given (never put it in shell history).")
def password_command(email, password):
    """Give EMAIL a new password; every session of that user ends."""
    echo_database()
    with user_errors():
        user, ended = set_password(email, password)
    click.echo(f"new password for {user.email}; {ended} session(s) ended")


@users_cli.command("disable")
@click.argument("email")
def disable_command(email):
    """Refuse EMAIL's logins from now on and end every session of that user."""
    echo_database()
    with user_errors():
        user, ended = disable_user(email)
    click.echo(f"disabled {user.email}; {ended} session(s) ended")


@users_cli.command("logout-all")
@click.argument("email")
def logout_all_command(email):
    """End every session of EMAIL (e.g. a lost laptop) without disabling the user."""
    echo_database()
    with user_errors():
        user = find_user(email)
    click.echo(f"{sessions.end_all(user.id)} session(s) of {user.email} ended")


@privacy_cli.command("erase")
@click.argument("email")
def erase_command(email):
    """Erase every lead, booking and message of EMAIL."""
    echo_database()
    counts = erase_person(email, actor="cli")
    click.echo("erased {leads} leads, {bookings} bookings, {messages} messages".format(**counts))


@privacy_cli.command("export")
@click.argument("email")
def export_command(email):
    """Print everything stored about EMAIL as JSON."""
    echo_database()
    json.dump(export_person(email), sys.stdout, ensure_ascii=False, indent=2)
    click.echo()


@privacy_cli.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Age in days (default: FORMS_RETENTION_DAYS).")
def purge_command(days):
    """Erase unconfirmed leads that last asked more than N days ago (normkraft-purge.timer)."""
    echo_database()
    days = days or current_app.config["RETENTION_DAYS"]
    counts = purge_unconfirmed(days)
    click.echo(f"purged {counts['leads']} unconfirmed leads older than {days} days")


@digest_cli.command("send")
def send_command():
    """Queue the daily digest for FORMS_SALES_EMAIL (the outbox worker sends it)."""
    echo_database()
    queue_digest()
    click.echo(f"digest queued for {current_app.config['SALES_EMAIL']}")
