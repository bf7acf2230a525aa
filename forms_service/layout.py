"""The site's frame around the visitor pages: menu, language switch, footer, way back.

The service cannot render the Pelican theme, so templates/layout.html repeats its landmarks and
classes; the addresses of the site's pages are per-language paths kept in the catalogs.
"""

from babel import Locale, UnknownLocaleError
from flask import current_app, request, url_for
from flask_babel import gettext
from werkzeug.routing import BuildError

from .i18n import current_language, language_of, languages
from .site_urls import same_site_url

HOME = "/en/"
# (path msgid, label msgid) of the site's pages in its menu (theme/templates/partials/
# main_nav.html), after the articles; the footer lists them with the privacy policy.
MENU_PAGES = (("/en/ebook/", "Free e-book"), ("/en/book-a-meeting/", "Book a meeting"),
              ("/en/about/", "About us"))
FOOTER_PAGES = MENU_PAGES + (("/en/privacy-policy/", "Privacy policy"),)


def site_url(path, language=None):
    """The address of a site page in language (default: the page's language)."""
    with language_of(language):
        return current_app.config["SITE_URL"] + gettext(path)


def _links(pages):
    # Alphabetical in the page's language, as the site's menu and footer list its pages.
    return sorted((gettext(label), site_url(path)) for path, label in pages)


def site_menu():
    """[(label, url)]: the articles, then the site's pages, as the site's menu has them."""
    return [(gettext("Articles"), site_url(HOME)), *_links(MENU_PAGES)]


def site_footer_pages():
    """[(label, url)]: the site's pages, as its footer lists them."""
    return _links(FOOTER_PAGES)


def language_name(code):
    """'Svenska', 'English': the language's own name for itself."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        name = code
    return name[:1].upper() + name[1:]


def _this_page(language, page):
    if isinstance(page, str):
        return site_url(page, language)
    endpoint, values = page if page else (request.endpoint, None)
    if endpoint is None:  # an error page for an address that matched no route
        return site_url(HOME, language)
    if values is None:
        if request.method != "GET":
            # A page answering a POST cannot be fetched again; the site's home can.
            return site_url(HOME, language)
        values = {**(request.view_args or {}), **request.args.to_dict()}
    try:
        return url_for(endpoint, **{**values, "lang": language})
    except BuildError:
        return site_url(HOME, language)


def language_versions(page=None):
    """[(code, name, url, is_current)]: this page in every language of the catalogs.

    page says where the other languages are: None for this very address with ?lang=
    (the site's home after a POST), a site path msgid such as "/en/ebook/", or an
    (endpoint, values) pair for url_for.
    """
    here, default = current_language(), current_app.config["DEFAULT_LANGUAGE"]
    return [(code, language_name(code), _this_page(code, page), code == here)
            for code in sorted(languages(), key=lambda code: (code != default, code))]


def came_from():
    """The page of our site named in ?page= (where the reader filled the form), or None."""
    return same_site_url(request.args.get("page"))


def init_app(app):
    """Make the helpers available to every template."""
    app.jinja_env.globals.update(
        site_url=site_url, language_versions=language_versions, came_from=came_from,
        site_menu=site_menu, site_footer_pages=site_footer_pages)
