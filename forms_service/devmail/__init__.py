"""Development only: /dev/mail lists the mail written to instance/mail/ and shows it rendered.

Answers 404 as soon as mail goes to an SMTP server or the site is not served locally, so
it can never show real people's mail.
"""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app

from ..config import LOCAL_HOSTS

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail", template_folder="templates")


def in_development(config) -> bool:
    """True when mail is written to files and the site is served from this machine."""
    return not config.get("SMTP_URL") and urlsplit(config["SITE_URL"]).hostname in LOCAL_HOSTS


@bp.before_request
def refuse_outside_development():
    if not in_development(current_app.config):
        abort(404)


def init_app(app):
    """Register the development mail pages."""
    from . import views  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)
