"""Message catalogs: one gettext .po file per language under translations/.

Adding a language takes a catalog (translations/<code>/LC_MESSAGES/forms.po) and the
e-book source text; no code changes.
"""

from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.pofile import read_po
from flask import current_app, g, request

CATALOG_DIR = Path(__file__).parent / "translations"


def load_catalogs(directory=CATALOG_DIR):
    """Read every forms.po below directory into {language: {msgid: msgstr}}."""
    catalogs = {}
    for po_path in sorted(directory.glob("*/LC_MESSAGES/forms.po")):
        language = po_path.parent.parent.name
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=None)
        catalogs[language] = {
            message.id: message.string
            for message in catalog
            if message.id and message.string and not message.fuzzy
        }
    return catalogs


def languages():
    """Return the language codes that have a catalog."""
    return sorted(current_app.extensions["forms_catalogs"])


def pick_language(code):
    """Return code if we have a catalog for it, else the default language."""
    code = (code or "").strip().lower()[:12]
    if code in current_app.extensions["forms_catalogs"]:
        return code
    return current_app.config["DEFAULT_LANGUAGE"]


def current_language():
    """The language of this request: set by the view, else the request's, else the default."""
    language = g.get("lang")
    if language is None:
        language = g.lang = pick_language(_requested_language())
    return language


def _requested_language():
    if not request:
        return None
    code = request.args.get("lang")
    small = (request.content_length or 0) <= current_app.config["MAX_CONTENT_LENGTH"]
    if code is None and request.method == "POST" and small:
        code = request.form.get("lang")
    if code is None:
        # The page the reader came from: /en/... is English, the site root the default.
        path = urlsplit(request.headers.get("Referer", "")).path
        code = path.strip("/").split("/", 1)[0]
    return code


def translate(msgid, language=None, **params):
    """Translate msgid into language (default: the request's) and fill %(name)s params."""
    language = language or current_language()
    text = current_app.extensions["forms_catalogs"].get(language, {}).get(msgid, msgid)
    return text % params if params else text


class LazyText:
    """A message translated when it is shown, so form classes can be defined at import."""

    def __init__(self, msgid):
        self.msgid = msgid

    def __str__(self):
        return translate(self.msgid)

    def __mod__(self, params):
        return translate(self.msgid) % params

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(self.msgid)


def lazy(msgid):
    """Mark msgid for translation at display time."""
    return LazyText(msgid)
