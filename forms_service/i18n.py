"""Translations through Flask-Babel: one gettext catalog per language under translations/.

Adding a language takes a catalog (translations/<code>/LC_MESSAGES/forms.po) and the
e-book source text; no code changes. At start-up the .po files are compiled with Babel into
the instance folder (translations/<code>/LC_MESSAGES/forms.mo), as the site build compiles
its own (plugins/theme_i18n/catalogs.py), so no compiled file is committed.

Extract the messages with:
    pybabel extract -F forms_service/babel.cfg -k lazy_gettext -o /tmp/forms.pot forms_service
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import flask_babel
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, request

CATALOG_DIR = Path(__file__).parent / "translations"
DOMAIN = "forms"


def compile_catalogs(source, target):
    """Compile every <code>/LC_MESSAGES/forms.po below source into target; return the codes.

    A catalog is compiled again only when its .po file changed, and written under a temporary
    name first, so workers starting together never read half a file.
    """
    codes = []
    for po_path in sorted(Path(source).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        code = po_path.parent.parent.name
        codes.append(code)
        mo_path = Path(target) / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        changed = po_path.stat().st_mtime_ns
        if mo_path.is_file() and mo_path.stat().st_mtime_ns == changed:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=code)
        fd, temporary = tempfile.mkstemp(dir=mo_path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation yet
        os.utime(temporary, ns=(changed, changed))
        os.replace(temporary, mo_path)
    return codes


def init_app(app):
    """Compile the catalogs and bind Flask-Babel, the request's language as its locale."""
    target = Path(app.instance_path) / "translations"
    source = app.config.get("TRANSLATIONS_SOURCE_DIR") or CATALOG_DIR
    app.extensions["forms_languages"] = compile_catalogs(source, target)
    app.config.update(BABEL_TRANSLATION_DIRECTORIES=str(target), BABEL_DOMAIN=DOMAIN,
                      BABEL_DEFAULT_LOCALE=app.config["DEFAULT_LANGUAGE"])
    # One Babel per app: its domain caches translations, and each app has its own folder.
    # Jinja gets plain gettext (as a str the template escapes) rather than the i18n
    # extension, whose messages would be marked safe.
    flask_babel.Babel(app, locale_selector=current_language, configure_jinja=False)
    app.jinja_env.globals.update(_=flask_babel.gettext, ngettext=flask_babel.ngettext)


def languages():
    """Return the language codes that have a catalog."""
    return sorted(current_app.extensions["forms_languages"])


def pick_language(code):
    """Return code if we have a catalog for it, else the default language."""
    code = (code or "").strip().lower()[:12]
    if code in current_app.extensions["forms_languages"]:
        return code
    return current_app.config["DEFAULT_LANGUAGE"]


def use_language(code):
    """Answer this request in code's language (see pick_language); return the language."""
    g.lang = pick_language(code)
    flask_babel.refresh()  # Flask-Babel keeps the locale it picked first in this request
    return g.lang


def current_language():
    """The language of this request: set by the view, else the request's, else the default.

    Flask-Babel's locale selector.
    """
    language = g.get("lang")
    if language is None:
        language = g.lang = pick_language(_requested_language())
    return language


@contextmanager
def language_of(code):
    """Translate in code's language inside the block (a mail, a link), else the request's."""
    with flask_babel.force_locale(code or current_language()):
        yield


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
