"""The signup service with its database write replaced by a no-op, for the benchmark only.

Everything else a signup does (session, CSRF, form, validation, log line, answer) runs as
in production: the difference to the real run is what the write costs.
"""

from forms_service import create_app as _create_app


def create_app():
    app = _create_app()
    import forms_service.ebook.views as views

    views.record_signup = lambda **signup: True
    return app
