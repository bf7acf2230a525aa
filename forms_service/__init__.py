"""The forms service behind /forms on the Normkraft site: the app factory.

A shared core (pipeline, outbox, mailer, events, layout templates) and the features that
plug into it, each with its own init_app: ebook/, booking/, desk/, readers/, devmail/.
"""

import os
import secrets
from pathlib import Path

from flask import Flask

from .config import REPO_ROOT


def create_app(test_config=None):
    """Build the app: defaults, then the FORMS_* environment, or test_config instead of it.

    As in Flask's tutorial, a test config replaces the environment, so a variable left in a
    developer's shell never changes a test.
    """
    from . import bounds, errors, headers, i18n, layout, logs
    from . import config as settings
    from . import db as database
    from .ebook.pdf import ensure_pdfs

    config = settings.from_environment({} if test_config is not None else None)
    config.update(test_config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or REPO_ROOT / "instance"
    app = Flask(__name__, instance_path=str(instance_path))
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_mapping(config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'forms.sqlite3'}"
    if not app.config.get("EBOOK_SOURCE_DIR"):
        app.config["EBOOK_SOURCE_DIR"] = str(REPO_ROOT / "content" / "ebook")
    if not app.config.get("EBOOK_DIR"):
        app.config["EBOOK_DIR"] = str(instance / "ebook")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    i18n.init_app(app)
    layout.init_app(app)
    logs.init_app(app)  # first, so every later hook's log lines carry the request id
    database.init_app(app)
    errors.init_app(app)  # before the limiter: its Retry-After hook must run after the limiter's
    _init_security(app)
    headers.init_app(app)
    bounds.init_app(app)  # before the routes are added, so `<int:...>` is the bounded one
    _register_blueprints(app)
    _register_cli(app)

    if app.config["AUTO_MIGRATE"]:
        import flask_migrate

        with app.app_context():
            flask_migrate.upgrade(directory=app.config["MIGRATIONS_DIR"])
    ensure_pdfs(app.config["EBOOK_SOURCE_DIR"], app.config["EBOOK_DIR"],
                sorted(app.extensions["forms_languages"]))
    if app.config["OUTBOX_THREAD"]:
        from .outbox import OutboxThread

        app.extensions["forms_outbox_thread"] = worker = OutboxThread(app)
        worker.start()
    return app


def _instance_secret(path):
    """Return the key kept in path, creating it once (safe when several workers start)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"forms_service: {path} is empty; delete it to get a new key")
    return key


def _init_security(app):
    from .guard import csrf
    from .limits import limiter

    csrf.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app):
    from . import booking, csrf_view, desk, devmail, ebook, health, readers

    for module in (csrf_view, health):
        app.register_blueprint(module.bp)
    ebook.init_app(app)
    booking.init_app(app)
    desk.init_app(app)
    devmail.init_app(app)  # answers 404 unless mail is written to files on a local site
    readers.init_app(app)


def _register_cli(app):
    from .outbox import outbox_cli

    app.cli.add_command(outbox_cli)
