"""The base form, field limits and checks shared by every form of the service."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import get_translations, lazy_gettext
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

NAME_MAX = 100
EMAIL_MAX = 254
URL_MAX = 2000


def clip(limit):
    """Return a filter that trims a value and cuts it to limit characters."""
    return lambda value: value.strip()[:limit] if value else value


class ValidEmail:
    """Check the address with email-validator (syntax only) and keep its normalized form.

    A domain outside ASCII (bücher.de) is fine: mail goes to its ASCII form. A local part
    outside ASCII (björn@) needs SMTPUTF8 all the way to the reader's mailbox, which no
    server on the way promises, so it is refused here with a word on why.
    """

    def __call__(self, form, field):
        if field.errors:
            return  # Too long already; one message is enough.
        address = field.data or ""
        try:
            result = validate_email(address, check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError:
            raise ValidationError(self._reason(address)) from None
        field.data = result.normalized

    @staticmethod
    def _reason(address):
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            return lazy_gettext("Please enter a valid e-mail address.")
        return lazy_gettext("Please use an address with only Latin letters (a–z), digits and "
                            "characters like . _ - before the @.")


class CatalogTranslations:
    """WTForms' own messages ("Not a valid choice.") from the service's catalogs.

    WTForms fills in the %(min)d-style values itself, so these return the bare text.
    """

    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)  # the catalog's plural rule


class ServiceForm(FlaskForm):
    """The base of every form here, so WTForms' built-in messages follow the reader's language."""

    class Meta:
        def get_translations(self, form):
            return CatalogTranslations()

        def bind_field(self, form, unbound_field, options):
            # The templates write their own <label>s. Without one here, WTForms would make
            # and translate a default label for every field of every form it builds.
            if "label" not in unbound_field.kwargs:
                options = dict(options, label=options["name"])
            return super().bind_field(form, unbound_field, options)
