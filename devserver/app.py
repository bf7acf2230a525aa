"""Combine the static site and the forms service into one WSGI app."""

from __future__ import annotations

import logging
import os

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from .live import LiveReload
from .state import BuildState
from .static_site import StaticSite

logger = logging.getLogger(__name__)


def load_forms_app(site_url: str):
    """Return the forms service's app (its origin set to `site_url` unless configured)."""
    os.environ.setdefault("FORMS_SITE_URL", site_url)
    try:
        import forms_service
    except ImportError:
        return None
    create_app = getattr(forms_service, "create_app", None)
    return create_app() if create_app is not None else None


def create_dev_app(output_dir, not_found_pages, forms=None, state: BuildState | None = None,
                   catalogs=None):
    """Return a WSGI app serving `output_dir` at / and the forms service at /forms.

    With a BuildState, the pages of the site reload after each build (devserver/live.py).
    """
    site = StaticSite(output_dir, not_found_pages)
    if state is not None:
        site = LiveReload(site, state, catalogs)
    if forms is None:
        logger.warning("forms service not available; serving the static site only")
        return site
    return DispatcherMiddleware(site, {"/forms": forms})
