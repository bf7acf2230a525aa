"""The e-book mail: the download link, built by the outbox worker from the stored lead."""

from flask import current_app, render_template, url_for
from flask_babel import gettext

from ..db import db
from ..i18n import language_of
from ..mailer import compose, send
from ..models import Lead
from ..tokens import download_token

KIND = "ebook"


def build_ebook_mail(lead, language, link):
    """Return the confirmation mail carrying the download link, in the reader's language."""
    config = current_app.config
    context = {"lead": lead, "link": link, "language": language,
               "support_email": config["SUPPORT_EMAIL"],
               "link_days": config["LINK_MAX_AGE"] // 86400}
    with language_of(language):
        return compose(lead.email, gettext("Your e-book from Normkraft"),
                       text=render_template("ebook/mail.txt", **context),
                       html=render_template("ebook/mail.html", **context),
                       reply_to=config["SUPPORT_EMAIL"])


def deliver(message):
    """Send the e-book mail of an outbox message (a new signup or a new-link request)."""
    lead = db.session.get(Lead, message.lead_id)
    link = url_for("ebook.download", token=download_token(lead.id, message.language),
                   _external=True)
    send(build_ebook_mail(lead, message.language, link))
