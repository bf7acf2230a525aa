"""Combine the static site and the forms service into one WSGI app."""

from __future__ import annotations

import logging
import os

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from .static_site import StaticSite

logger = logging.getLogger(__name__)


def load_forms_app():
    """Return the forms service's WSGI app, or None while the service does not exist yet."""
    try:
        import forms_service
    except ImportError:
        return None
    create_app = getattr(forms_service, "create_app", None)
    return create_app() if create_app is not None else None


def create_dev_app(output_dir, not_found_pages, site_url: str):
    """Return a WSGI app serving `output_dir` at / and the forms service at /forms."""
    os.environ.setdefault("FORMS_SITE_URL", site_url)
    site = StaticSite(output_dir, not_found_pages)
    forms = load_forms_app()
    if forms is None:
        logger.warning("forms service not available; serving the static site only")
        return site
    return DispatcherMiddleware(site, {"/forms": forms})
