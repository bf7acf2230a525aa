"""The e-book signup form."""

from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..i18n import lazy
from ..validators import EMAIL_MAX, NAME_MAX, URL_MAX, ServiceForm, ValidEmail, clip


class EbookForm(ServiceForm):
    class Meta:
        # The pipeline (pipeline.py) checks the token before anything else, and the templates
        # put csrf_token() in the page; a token field would sign a new token on every POST.
        csrf = False

    name = StringField(validators=[
        DataRequired(lazy("Please enter your name.")),
        Length(max=NAME_MAX, message=lazy("Please use at most %(max)d characters.")),
    ], filters=[lambda v: " ".join(v.split()) if v else v])
    email = StringField(validators=[
        DataRequired(lazy("Please enter your e-mail address.")),
        Length(max=EMAIL_MAX, message=lazy("Please use at most %(max)d characters.")),
        ValidEmail(),
    ], filters=[lambda v: v.strip() if v else v])
    consent = BooleanField(validators=[
        DataRequired(lazy("Please accept the privacy policy to get the e-book.")),
    ])
    # Hidden fields are clipped rather than rejected: a reader could not correct them.
    lang = HiddenField(filters=[clip(12)])
    page_url = HiddenField(filters=[clip(URL_MAX)])
    referrer = HiddenField(filters=[clip(URL_MAX)])
    # Bot traps: a field people never see, and how long the form was open.
    website = HiddenField(filters=[clip(200)])
    elapsed = HiddenField(filters=[clip(20)])
    ts = HiddenField(filters=[clip(200)])

    # Fields a reader can correct; the others are silently dropped if odd.
    VISIBLE = ("name", "email", "consent")


class ResendForm(ServiceForm):
    class Meta:
        csrf = False  # As EbookForm.

    email = StringField(validators=[
        DataRequired(lazy("Please enter your e-mail address.")),
        Length(max=EMAIL_MAX, message=lazy("Please use at most %(max)d characters.")),
        ValidEmail(),
    ], filters=[lambda v: v.strip() if v else v])
    lang = HiddenField(filters=[clip(12)])
