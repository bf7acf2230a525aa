"""Theme strings through gettext catalogs, and dates localized with Babel."""

from .theme_i18n import register

__all__ = ["register"]
