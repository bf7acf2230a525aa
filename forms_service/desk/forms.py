"""The desk's forms: login, list filters, booking follow-up and changes, privacy requests."""

from flask_babel import lazy_gettext
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..booking.forms import COMPANY_MAX, StartTime, ValidPhone
from ..fields import ContactFields, squash
from ..validators import EMAIL_MAX, ServiceForm, ValidEmail, clip
from .models import FOLLOW_UP_STATUSES

NOTES_MAX = 5000
SEARCH_MAX = 200


class LoginForm(ServiceForm):
    email = StringField(validators=[DataRequired(lazy_gettext("Please enter your e-mail address.")),
                                    Length(max=EMAIL_MAX)])
    password = PasswordField(validators=[DataRequired(lazy_gettext("Please enter your password."))])
    next = HiddenField()


class FilterForm(ServiceForm):
    """The filters above a list (and its export); read from the query string, no CSRF."""

    class Meta:
        csrf = False

    date_from = DateField(validators=[Optional()])
    date_to = DateField(validators=[Optional()])
    language = SelectField(validate_choice=False, default="")
    standard = SelectField(validate_choice=False, default="")
    source = SelectField(validate_choice=False, default="")
    status = SelectField(validate_choice=False, default="")
    q = StringField(validators=[Length(max=SEARCH_MAX)],
                    filters=[lambda v: v.strip() if v else v])

    extra = {}

    def values(self):
        """The valid filters as a dict (a bad date is dropped, and shown as an error)."""
        self.validate()
        values = {name: field.data for name, field in self._fields.items()
                  if field.data and not field.errors}
        return {**values, **self.extra}


class FollowUpForm(ServiceForm):
    status = SelectField(choices=FOLLOW_UP_STATUSES,
                         validators=[DataRequired(lazy_gettext("Please choose a status."))])
    notes = TextAreaField(validators=[Length(
        max=NOTES_MAX, message=lazy_gettext("Please use at most %(max)d characters."))])


class PersonForm(ServiceForm):
    email = StringField(validators=[
        DataRequired(lazy_gettext("Please enter your e-mail address.")),
        Length(max=EMAIL_MAX, message=lazy_gettext("Please use at most %(max)d characters.")),
        ValidEmail(),
    ], filters=[lambda v: v.strip() if v else v])


class EraseForm(PersonForm):
    confirm = BooleanField(validators=[
        DataRequired(lazy_gettext("Please confirm that everything about this person is erased."))])


class StaffMoveForm(ServiceForm):
    """Move a booking to another time; sequence is the version of the booking staff saw."""

    start = StringField(validators=[DataRequired(lazy_gettext("Please pick a time.")), StartTime()],
                        filters=[clip(64)])
    sequence = IntegerField(validators=[Optional()])
    start_utc = None


class StaffCancelForm(ServiceForm):
    sequence = IntegerField(validators=[Optional()])


class CallerForm(ContactFields, ServiceForm):
    """A meeting booked by staff for someone who phoned."""

    phone = StringField(validators=[
        Optional(),
        Length(max=40, message=lazy_gettext("Please use at most %(max)d characters.")),
        ValidPhone(),
    ], filters=[lambda v: v.strip() if v else v])
    company = StringField(validators=[
        Length(max=COMPANY_MAX, message=lazy_gettext("Please use at most %(max)d characters.")),
    ], filters=[squash])
    language = SelectField(validate_choice=False)
    consultant = SelectField(validate_choice=False, default="")
    start = StringField(validators=[DataRequired(lazy_gettext("Please pick a time.")), StartTime()],
                        filters=[clip(64)])
    agreed = BooleanField(validators=[DataRequired(lazy_gettext(
        "Please confirm that the caller agreed that we store these details."))])
    start_utc = None
