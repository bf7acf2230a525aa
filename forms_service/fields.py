"""Fields that several public forms share, declared once: the contact and the bot traps."""

from flask_babel import lazy_gettext
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from .validators import EMAIL_MAX, NAME_MAX, URL_MAX, ValidEmail, clip


def squash(value):
    """Fold runs of white space (tabs and new lines too) into one space."""
    return " ".join(value.split()) if value else value


def strip(value):
    return value.strip() if value else value


class ContactFields:
    """The reader's name and e-mail address."""

    name = StringField(validators=[
        DataRequired(lazy_gettext("Please enter your name.")),
        Length(max=NAME_MAX, message=lazy_gettext("Please use at most %(max)d characters.")),
    ], filters=[squash])
    email = StringField(validators=[
        DataRequired(lazy_gettext("Please enter your e-mail address.")),
        Length(max=EMAIL_MAX, message=lazy_gettext("Please use at most %(max)d characters.")),
        ValidEmail(),
    ], filters=[strip])


class SourceFields:
    """Where the reader came from. Hidden, so clipped rather than refused: nobody could
    correct them."""

    lang = HiddenField(filters=[clip(12)])
    page_url = HiddenField(filters=[clip(URL_MAX)])
    referrer = HiddenField(filters=[clip(URL_MAX)])


class BotTraps:
    """Read by bot_signals.py: a field people never see, and how long the form took."""

    website = HiddenField(filters=[clip(200)])
    elapsed = HiddenField(filters=[clip(40)])
    ts = HiddenField(filters=[clip(200)])
