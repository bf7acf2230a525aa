"""The booking form and the small forms of the cancel/reschedule page."""

from datetime import UTC, datetime

import phonenumbers
from flask_babel import lazy_gettext
from wtforms import BooleanField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..fields import BotTraps, ContactFields, SourceFields, squash
from ..i18n import language_of
from ..validators import ServiceForm, clip

COMPANY_MAX = 200
MESSAGE_MAX = 2000
PHONE_REGION = "SE"
# Keys stored with the booking; the labels of the standards are the same in every language.
TOPICS = (("iso9001", "ISO 9001"), ("iso14001", "ISO 14001"), ("iso27001", "ISO/IEC 27001"),
          ("iso45001", "ISO 45001"), ("iso42001", "ISO/IEC 42001"),
          ("other", lazy_gettext("Other")))


def topic_labels(keys, language):
    """The display names of the chosen standards, in language."""
    names = dict(TOPICS)
    with language_of(language):
        return [str(names[k]) for k in keys if k in names]


class ValidPhone:
    """Check the number with phonenumbers (Swedish numbers may omit +46); keep it as E.164."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            number = phonenumbers.parse(field.data, PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(lazy_gettext("Please enter a valid phone number."))
        field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class StartTime:
    """Read the chosen slot: an ISO 8601 time with its UTC offset."""

    def __call__(self, form, field):
        try:
            moment = datetime.fromisoformat(field.data)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValidationError(lazy_gettext("Please pick a time."))
        try:
            form.start_utc = moment.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+14:00 is before the calendar starts
            raise ValidationError(lazy_gettext("Please pick a time.")) from None


class BookingForm(ContactFields, SourceFields, BotTraps, ServiceForm):
    company = StringField(validators=[
        DataRequired(lazy_gettext("Please enter your company.")),
        Length(max=COMPANY_MAX, message=lazy_gettext("Please use at most %(max)d characters.")),
    ], filters=[squash])
    phone = StringField(validators=[
        Optional(),
        Length(max=40, message=lazy_gettext("Please use at most %(max)d characters.")),
        ValidPhone(),
    ], filters=[lambda v: v.strip() if v else v])
    topic = SelectMultipleField(
        choices=[key for key, _ in TOPICS], widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(), validate_choice=False)
    message = TextAreaField(validators=[
        Length(max=MESSAGE_MAX, message=lazy_gettext("Please use at most %(max)d characters.")),
    ], filters=[lambda v: v.strip() if v else v])
    start = StringField(validators=[DataRequired(lazy_gettext("Please pick a time.")), StartTime()],
                       filters=[clip(64)])
    consent = BooleanField(validators=[
        DataRequired(lazy_gettext("Please accept the privacy policy to book a meeting.")),
    ])
    tz = HiddenField(filters=[clip(64)])
    # The signed answer to the confirmation step (booking/confirm.py), when there was one.
    confirm = HiddenField(filters=[clip(400)])

    VISIBLE = ("name", "email", "company", "phone", "topic", "message", "start", "consent")
    start_utc = None

    def chosen_topics(self):
        """The known topic keys that were ticked (unknown values are dropped)."""
        known = {key for key, _ in TOPICS}
        return [key for key in (self.topic.data or []) if key in known]


class CancelForm(ServiceForm):
    """Only the CSRF token: the signed link says which booking."""


class MoveForm(ServiceForm):
    start = StringField(validators=[DataRequired(lazy_gettext("Please pick a time.")), StartTime()],
                       filters=[clip(64)])
    start_utc = None
