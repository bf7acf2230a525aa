"""Catalogs: every language has every message; a new language is only a new catalog."""

import shutil

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask_babel import gettext
from forms_helpers import Signup, make_app
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import Length

from forms_service.desk.forms import FollowUpForm
from forms_service.i18n import CATALOG_DIR, compile_catalogs, languages
from forms_service.validators import ServiceForm


def msgids(path):
    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_every_catalog_translates_every_message():
    catalogs = {p.parent.parent.name: msgids(p) for p in CATALOG_DIR.glob("*/LC_MESSAGES/forms.po")}
    assert set(catalogs) >= {"sv", "en"}
    ids = set().union(*catalogs.values())
    for language, messages in catalogs.items():
        assert set(messages) == ids, language
        assert all(messages.values()), [k for k, v in messages.items() if not v]


def test_english_catalog_is_the_identity():
    assert all(k == v for k, v in msgids(CATALOG_DIR / "en/LC_MESSAGES/forms.po").items())


def test_a_new_language_needs_only_a_catalog(tmp_path, ebook_source, build_app):
    shutil.copytree(CATALOG_DIR, tmp_path / "t")
    fi = tmp_path / "t" / "fi" / "LC_MESSAGES"
    fi.mkdir(parents=True)
    text = (CATALOG_DIR / "en/LC_MESSAGES/forms.po").read_text().replace(
        'msgstr "Thank you! You will soon get an e-mail from us!"',
        'msgstr "Kiitos! Saat pian meiltä sähköpostia!"')
    (fi / "forms.po").write_text(text)
    (ebook_source / "fi.md").write_text("# Vaatimuksista sertifikaattiin\n", encoding="utf-8")
    app = build_app(TRANSLATIONS_SOURCE_DIR=str(tmp_path / "t"))
    with app.test_request_context("/?lang=fi"):
        assert languages() == ["en", "fi", "sv"]
        assert gettext("Thank you! You will soon get an e-mail from us!") == (
            "Kiitos! Saat pian meiltä sähköpostia!")
    answer = Signup(app.test_client()).json(lang="fi")
    assert answer.get_json()["message"] == "Kiitos! Saat pian meiltä sähköpostia!"


def test_catalogs_are_compiled_into_the_instance_folder_once(tmp_path):
    target = tmp_path / "compiled"
    assert compile_catalogs(CATALOG_DIR, target) == ["en", "sv"]
    mo = target / "sv" / "LC_MESSAGES" / "forms.mo"
    with mo.open("rb") as fh:
        assert Translations(fh, domain="forms").ugettext("Thank you!") == "Tack!"
    written = mo.stat().st_mtime_ns, mo.stat().st_ino
    compile_catalogs(CATALOG_DIR, target)
    assert (mo.stat().st_mtime_ns, mo.stat().st_ino) == written  # unchanged .po: not rewritten


def test_a_changed_catalog_is_compiled_again(tmp_path):
    shutil.copytree(CATALOG_DIR, tmp_path / "t")
    compile_catalogs(tmp_path / "t", tmp_path / "compiled")
    po = tmp_path / "t" / "sv" / "LC_MESSAGES" / "forms.po"
    po.write_text(po.read_text().replace('msgstr "Tack!"', 'msgstr "Tack så mycket!"'))
    compile_catalogs(tmp_path / "t", tmp_path / "compiled")
    with (tmp_path / "compiled" / "sv" / "LC_MESSAGES" / "forms.mo").open("rb") as fh:
        assert Translations(fh, domain="forms").ugettext("Thank you!") == "Tack så mycket!"


@pytest.mark.parametrize(("lang", "limit", "expected"), [
    ("sv", 1, "Använd högst 1 tecken."), ("sv", 200, "Använd högst 200 tecken."),
    ("en", 1, "Field cannot be longer than 1 character."),
    ("en", 200, "Field cannot be longer than 200 characters."),
])
def test_wtforms_plurals_follow_the_catalogs_rule(lang, limit, expected, build_app):
    # WTForms asks ngettext; the catalog's Plural-Forms picks the form, no rule of our own.
    app = build_app()
    with app.test_request_context(f"/?lang={lang}"):
        class Search(ServiceForm):  # as the desk's search box, with this limit
            q = StringField(validators=[Length(max=limit)])

        form = Search(MultiDict({"q": "x" * (limit + 1)}), meta={"csrf": False})
        assert not form.validate()
        assert form.q.errors == [expected]


@pytest.mark.parametrize(
    ("lang", "expected"), [("sv", "Ogiltigt val."), ("en", "Not a valid choice.")]
)
def test_wtforms_own_messages_follow_the_language(tmp_path, ebook_source, lang, expected):
    app = make_app(tmp_path, ebook_source)
    with app.test_request_context(f"/?lang={lang}"):
        form = FollowUpForm(MultiDict({"status": "no-such-status"}), meta={"csrf": False})
        assert not form.validate()
        assert form.status.errors == [expected]
