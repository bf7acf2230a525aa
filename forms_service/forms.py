"""The e-book signup form."""

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from .i18n import lazy

NAME_MAX = 100
EMAIL_MAX = 254
URL_MAX = 2000


def clip(limit):
    """Return a filter that trims a value and cuts it to limit characters."""
    return lambda value: value.strip()[:limit] if value else value


class ValidEmail:
    """Check the address with email-validator (syntax only) and keep its normalized form."""

    def __call__(self, form, field):
        if field.errors:
            return  # Too long already; one message is enough.
        try:
            result = validate_email(field.data or "", check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(lazy("Please enter a valid e-mail address.")) from None
        field.data = result.normalized


class EbookForm(FlaskForm):
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


class ResendForm(FlaskForm):
    email = StringField(validators=[
        DataRequired(lazy("Please enter your e-mail address.")),
        Length(max=EMAIL_MAX, message=lazy("Please use at most %(max)d characters.")),
        ValidEmail(),
    ], filters=[lambda v: v.strip() if v else v])
    lang = HiddenField(filters=[clip(12)])
