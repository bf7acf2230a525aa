"""The consent version the service stores is the version of the privacy policy the site shows."""

from pathlib import Path

from pelican.contents import Page
from pelican.readers import Readers
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[2]


def privacy_pages():
    """Every language's privacy-policy page, read the way the site build reads it.

    The theme links the forms' consent to the page with `Translation_key: privacy`
    (theme/templates/macros/forms.html), so that is how a policy page is found.
    """
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    readers = Readers(settings)
    content = Path(settings["PATH"])
    pages = []
    for folder in settings["PAGE_PATHS"]:
        for path in sorted((content / folder).rglob("*")):
            if path.is_file() and path.suffix[1:] in readers.extensions:
                page = readers.read_file(str(content), str(path.relative_to(content)),
                                         content_class=Page)
                if page.metadata.get("translation_key") == "privacy":
                    pages.append(page)
    return pages, settings["DEFAULT_LANG"]


def test_consent_version_is_the_privacy_policy_version(build_app):
    pages, default_lang = privacy_pages()
    assert default_lang in {page.lang for page in pages}, "no privacy page found"
    app = build_app(AUTO_MIGRATE=False)
    stored = app.config["CONSENT_VERSION"]
    # A policy change takes a new Policy_version on every language's page and the same
    # value as CONSENT_VERSION in forms_service/config.py.
    versions = {page.relative_source_path: page.metadata.get("policy_version") for page in pages}
    assert versions == dict.fromkeys(versions, stored), (
        f"every privacy page's Policy_version must equal CONSENT_VERSION {stored!r} "
        "(forms_service/config.py)")
