"""The beacon's fast path: a countable view is answered in front of Flask's request cycle.

A beacon is the service's most frequent request and needs none of what Flask adds to every
request (session, CSRF, rate-limit hooks, the request log line). This WSGI middleware
answers a well-formed view from the site with 204 itself. Anything else (a foreign origin,
a body it cannot read, chunked bodies) goes on to the blueprint's view (beacon.py), which
answers with a message in the reader's language, so both paths refuse the same things.
"""

import io

from werkzeug.middleware.proxy_fix import ProxyFix

from ..headers import security_headers
from .beacon import BEACON_PATH, is_crawler, left_out, site_parts
from .payload import BadView, read_view


class BeaconFastPath:
    def __init__(self, app, wsgi_app):
        self.app = app
        self.next = wsgi_app
        count = app.config["PROXY_COUNT"]
        # The same proxy headers as the app trusts (create_app), for the visitor's address.
        self.handle = (ProxyFix(self._count, x_for=count, x_proto=count, x_host=count)
                       if count else self._count)
        self.headers = list(security_headers(app.config).items())

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == BEACON_PATH and environ.get("REQUEST_METHOD") == "POST":
            return self.handle(environ, start_response)
        return self.next(environ, start_response)

    def _count(self, environ, start_response):
        config = self.app.config
        origin, host = site_parts(config)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if environ.get("HTTP_ORIGIN") != origin or not 0 < length <= config["READERS_MAX_BYTES"]:
            return self.next(environ, start_response)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # for the view, if it answers instead
        try:
            view = read_view(body, self.app.extensions["forms_languages"], host)
        except BadView:
            return self.next(environ, start_response)
        user_agent = environ.get("HTTP_USER_AGENT", "")
        if not left_out(environ.get("HTTP_SEC_GPC", ""),
                        environ.get("HTTP_SEC_PURPOSE", "") + environ.get("HTTP_PURPOSE", "")
                        ) and not is_crawler(user_agent):
            with self.app.app_context():
                self.app.extensions["readers"].count(
                    view, origin.split("://", 1)[1], environ.get("REMOTE_ADDR"), user_agent)
        start_response("204 No Content", list(self.headers))
        return []
