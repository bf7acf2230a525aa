"""Combine the static site and the forms service into one WSGI app."""

from __future__ import annotations

import os

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from .live import LiveReload
from .state import BuildState
from .static_site import StaticSite


def load_forms_app(site_url: str):
    """Return the forms service's app (its origin set to `site_url` unless configured).

    A service that cannot be imported stops the devserver with its traceback: serving the
    site without its forms would hide the error behind a warning.
    """
    from forms_service import create_app

    os.environ.setdefault("FORMS_SITE_URL", site_url)
    return create_app()


def create_dev_app(output_dir, not_found_pages, forms=None, state: BuildState | None = None,
                   catalogs=None):
    """Return a WSGI app serving `output_dir` at / and the forms service at /forms.

    With a BuildState, the pages of the site reload after each build (devserver/live.py).
    """
    site = StaticSite(output_dir, not_found_pages)
    if state is not None:
        site = LiveReload(site, state, catalogs)
    if forms is None:  # tests of the static site alone
        return site
    return DispatcherMiddleware(site, {"/forms": forms})
