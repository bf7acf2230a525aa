"""Catalogs: every language has every message; a new language is only a new catalog."""

import shutil

import pytest
from babel.messages.pofile import read_po
from forms_helpers import make_app
from werkzeug.datastructures import MultiDict

from forms_service.desk.forms import FollowUpForm
from forms_service.i18n import CATALOG_DIR, load_catalogs


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


def test_a_new_language_needs_only_a_catalog(tmp_path):
    shutil.copytree(CATALOG_DIR, tmp_path / "t")
    fi = tmp_path / "t" / "fi" / "LC_MESSAGES"
    fi.mkdir(parents=True)
    text = (CATALOG_DIR / "en/LC_MESSAGES/forms.po").read_text().replace(
        'msgstr "Thank you! You will soon get an e-mail from us!"',
        'msgstr "Kiitos! Saat pian meiltä sähköpostia!"')
    (fi / "forms.po").write_text(text)
    catalogs = load_catalogs(tmp_path / "t")
    assert sorted(catalogs) == ["en", "fi", "sv"]
    assert catalogs["fi"]["Thank you! You will soon get an e-mail from us!"] == (
        "Kiitos! Saat pian meiltä sähköpostia!")


@pytest.mark.parametrize(
    ("lang", "expected"), [("sv", "Ogiltigt val."), ("en", "Not a valid choice.")]
)
def test_wtforms_own_messages_follow_the_language(tmp_path, ebook_source, lang, expected):
    app = make_app(tmp_path, ebook_source)
    with app.test_request_context(f"/?lang={lang}"):
        form = FollowUpForm(MultiDict({"status": "no-such-status"}), meta={"csrf": False})
        assert not form.validate()
        assert form.status.errors == [expected]
