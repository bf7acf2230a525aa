"""The e-book signup form and the form asking for a new link."""

from flask_babel import lazy_gettext
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from ..fields import BotTraps, ContactFields, SourceFields
from ..validators import ServiceForm, clip


class EbookForm(ContactFields, SourceFields, BotTraps, ServiceForm):
    class Meta:
        # The pipeline (pipeline.py) checks the token before anything else, and the
        # templates put csrf_token() in the page; a token field would sign a new token on
        # every POST.
        csrf = False

    consent = BooleanField(validators=[
        DataRequired(lazy_gettext("Please accept the privacy policy to get the e-book.")),
    ])

    # Fields a reader can correct; the others are silently dropped if odd.
    VISIBLE = ("name", "email", "consent")


class ResendForm(ServiceForm):
    class Meta:
        csrf = False  # As EbookForm.

    email = ContactFields.email
    lang = HiddenField(filters=[clip(12)])
