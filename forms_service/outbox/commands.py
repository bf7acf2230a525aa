"""`flask outbox run`: the outbox worker as a command (production runs one or more)."""

import signal
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import db
from .queue import wake_worker
from .worker import forms_base_url, process_outbox, run_worker


def echo_database():
    """Name the database a command works on, as its first line (stderr, password hidden)."""
    # Without /etc/normkraft/forms.env a command quietly uses a new SQLite file in
    # instance/ and "succeeds" there: this line lets the operator see the wrong target.
    line = f"database: {db.engine.url.render_as_string(hide_password=True)}"
    default = f"sqlite:///{Path(current_app.instance_path) / 'forms.sqlite3'}"
    if current_app.config["SQLALCHEMY_DATABASE_URI"] == default:
        line += " (the built-in default: FORMS_DATABASE_URL is not set)"
    click.echo(line, err=True)


outbox_cli = AppGroup("outbox", help="Send the queued mail.")


@outbox_cli.command("run")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
def run_command(once):
    """Run the outbox worker (production: one or more of these next to the web app)."""
    echo_database()
    app = current_app._get_current_object()
    if once:
        with app.test_request_context(base_url=forms_base_url(app)):
            sent, failed = process_outbox()
        click.echo(f"sent {sent}, failed {failed}")
        return
    stop = threading.Event()

    def finish(signum, frame):
        # systemd stops with SIGTERM: end the message in hand, leave the rest to the lease.
        stop.set()
        wake_worker()

    signal.signal(signal.SIGTERM, finish)
    try:
        run_worker(app, stop)
    except KeyboardInterrupt:
        stop.set()
