"""Readers counted without cookies: page views and daily visitors (issue 21).

init_app sets the defaults (FORMS_READERS_* in the environment), registers the beacon and
the `flask readers` commands, and makes the process's counter, which flushes at exit.
"""

import atexit
import os
import signal
import threading
import weakref

import click
from flask.cli import with_appcontext

DEFAULTS = {
    # Aggregates older than this are deleted (the desk shows at most three years).
    "READERS_RETENTION_DAYS": ("FORMS_READERS_RETENTION_DAYS", 400),
    "READERS_FLUSH_SECONDS": ("FORMS_READERS_FLUSH_SECONDS", 5.0),
    # With Redis: how long a view waits in its process before it joins the shared counts.
    "READERS_PUSH_SECONDS": ("FORMS_READERS_PUSH_SECONDS", 0.1),
    # Views per visitor key in READERS_RATE_WINDOW seconds; more are left out.
    "READERS_RATE_LIMIT": ("FORMS_READERS_RATE_LIMIT", 30),
    "READERS_RATE_WINDOW": ("FORMS_READERS_RATE_WINDOW", 60),
    "READERS_MAX_BYTES": ("FORMS_READERS_MAX_BYTES", 2048),
}


def _from_environment(name, default):
    value = os.environ.get(name)
    return default if not value else type(default)(value)


def init_app(app):
    """Register the beacon and its commands; flush the counts at exit."""
    from ..limits import limiter
    from .beacon import bp
    from .counter import ReaderCounter
    from .fast import BeaconFastPath
    from .report import section

    for key, (variable, default) in DEFAULTS.items():
        app.config.setdefault(key, _from_environment(variable, default))
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
