"""Readers counted without cookies: page views and daily visitors (issue 21).

init_app (its settings, FORMS_READERS_*, are in config.py) registers the beacon and
the `flask readers` commands, and makes the process's counter, which flushes at exit.
"""

import atexit
import signal
import threading
import weakref

import click
from flask.cli import with_appcontext


def init_app(app):
    """Register the beacon and its commands; flush the counts at exit."""
    from ..limits import limiter
    from .beacon import bp
    from .counter import ReaderCounter
    from .fast import BeaconFastPath
    from .report import section

    # Tests flush by hand, as they run the outbox by hand.
    app.config.setdefault("READERS_CLOCK", None)  # a callable giving naive UTC (tests)
    app.config.setdefault("READERS_FLUSH_THREAD", app.config["OUTBOX_THREAD"]
                          or not app.testing)
    # Redis when the limits use it (FORMS_RATELIMIT_STORAGE_URL), else this process's memory.
    url = app.config.get("READERS_STORAGE_URI") or app.config["RATELIMIT_STORAGE_URI"]
    counter = app.extensions["readers"] = ReaderCounter(app, url)
    limiter.exempt(bp)  # the beacon has its own limit, per visitor key
    app.register_blueprint(bp)
    app.wsgi_app = BeaconFastPath(app, app.wsgi_app)
    app.cli.add_command(readers_cli)
    app.extensions.setdefault("desk_overview_sections", []).append(section)
    if app.config["READERS_FLUSH_THREAD"]:
        _flush_at_exit(counter)


def _flush_at_exit(counter):
    # gunicorn's workers exit through sys.exit on SIGTERM, which runs atexit. A process whose
    # SIGTERM still kills at once (`flask run`) is given a handler that exits the same way.
    ref = weakref.ref(counter)
    atexit.register(lambda: ref() and ref().close())
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL):
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


@click.group("readers")
def readers_cli():
    """Counted page views."""


@readers_cli.command("flush")
@with_appcontext
def flush_command():
    """Write the pending counts to the database now."""
    from flask import current_app

    written = current_app.extensions["readers"].flush()
    click.echo(f"{written} views written")
