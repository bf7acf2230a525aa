"""The forms service: the e-book signup behind /forms on the Normkraft site."""

import os
import secrets
from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app: defaults, then FORMS_* environment variables, then config."""
    from . import bounds, errors, headers, layout, logs
    from . import config as settings
    from . import db as database
    from .ebook.pdf import ensure_pdfs
    from .i18n import load_catalogs, translate

    config = dict(config or {})
    # Tests keep their files under tmp_path; everything else uses the repository's instance/.
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("FORMS_INSTANCE_PATH")
    app = Flask(__name__, instance_path=str(instance_path or REPO_ROOT / "instance"))
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_mapping(
        FORMS_PREFIX="/forms",
        MIGRATIONS_DIR=str(Path(__file__).parent / "migrations"),
        EBOOK_SOURCE_DIR=str(REPO_ROOT / "content" / "ebook"),
    )
    app.config.from_mapping({k: v for k, v in settings.from_environment().items()
                             if v is not None or k not in app.config})
    if config:
        app.config.from_mapping(config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'forms.sqlite3'}"
    if not app.config.get("EBOOK_DIR"):
        app.config["EBOOK_DIR"] = str(instance / "ebook")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    app.extensions["forms_catalogs"] = load_catalogs()
    app.jinja_env.globals["_"] = translate
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
                sorted(app.extensions["forms_catalogs"]))
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

    for module in (csrf_view, ebook, health):
        app.register_blueprint(module.bp)
    booking.init_app(app)
    desk.init_app(app)
    devmail.init_app(app)  # answers 404 unless mail is written to files on a local site
    readers.init_app(app)


def _register_cli(app):
    from .outbox import outbox_cli

    app.cli.add_command(outbox_cli)
