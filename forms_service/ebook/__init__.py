"""The e-book feature: signup form, lead storage, download link, its mail and the PDFs."""

from .views import bp

__all__ = ["bp", "init_app"]


def init_app(app):
    """Register the e-book pages and tell the outbox how to send the e-book mail."""
    from ..outbox import VISITOR, register_kind
    from . import mails

    app.register_blueprint(bp)
    register_kind(mails.KIND, mails.deliver, lane=VISITOR)
