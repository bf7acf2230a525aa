"""The sales desk at /admin: staff login, leads and bookings, export, webhooks, privacy."""

from flask import Blueprint

from . import (
    auth,
    bookings,
    calls,
    deliveries,
    errors,
    export,
    gate,
    leads,
    overview,
    privacy_views,
    templating,
)
from .calendars import bp as calendars_bp

bp = Blueprint("desk", __name__, url_prefix="/admin", static_folder="static")
for _feature in (auth, overview, leads, bookings, calls, export, deliveries, privacy_views):
    bp.register_blueprint(_feature.bp)
bp.register_blueprint(calendars_bp)
gate.protect(bp)
errors.register(bp)
bp.context_processor(templating.context)


def init_app(app):
    """Register the desk pages, its commands, its outbox kinds and the webhooks' receivers."""
    from ..outbox import register_kind
    from . import cli, digest, webhooks

    app.register_blueprint(bp)
    for group in (cli.users_cli, cli.privacy_cli, cli.digest_cli):
        app.cli.add_command(group)
    register_kind(webhooks.KIND, webhooks.deliver, lane="webhook",
                  destination=webhooks.destination)
    register_kind(digest.KIND, digest.deliver)
    webhooks.listen()
    templating.init_app(app)
    if not app.config.get("DESK_ARTICLES_FILE"):
        # The site build writes it (plugins/article_index); `make run` builds into output/.
        from .. import REPO_ROOT

        app.config["DESK_ARTICLES_FILE"] = str(REPO_ROOT / "output" / "articles.json")
