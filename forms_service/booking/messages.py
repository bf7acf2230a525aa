"""The visitor-facing texts of the booking answers (msgids of the service catalogs)."""

from flask_babel import gettext

SUCCESS = "Thank you! You will hear from us soon!"
TAKEN = "That time was just taken. Please pick another."
CHANGED = ("This meeting was changed in the meantime, so nothing more was done. "
           "Here is how it stands now.")
PROBLEMS = {
    "past": "That time has already passed. Please pick another.",
    "holiday": "We are closed that day. Please pick another.",
    "off_grid": "That is not one of our meeting times. Please pick another.",
    "notice": "Please pick a time at least %(hours)d hours from now.",
    "horizon": "Please pick a time within the next %(days)d days.",
}


def problem_message(code, availability):
    """The localized reason a start time was refused."""
    return gettext(PROBLEMS[code],
                   hours=int(availability.notice.total_seconds() // 3600),
                   days=availability.horizon.days)
