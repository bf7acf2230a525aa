"""Live reload for `make run`: server-sent events after each build, added at serve time.

The script tag goes into the HTML as it is served, never into the built files, so a
production build (`make publish`) has no trace of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from babel.messages.pofile import read_po
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from .state import BuildState

PREFIX = "/_devserver/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "live.js"
SCRIPT_FILE = Path(__file__).parent / "static" / "live.js"
# A comment line every so often lets the server notice a closed tab and end its stream.
KEEP_ALIVE_SECONDS = 15.0
BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def N_(message: str) -> str:
    """Mark a message for the site's catalogs (`make i18n`); it is translated when sent."""
    return message


LABELS = {
    "title": N_("The site could not be built"),
    "line": N_("line %(line)s"),
    "hint": N_("Fix it and save: the page reloads once the build succeeds."),
}


def load_catalogs(directory: str | Path) -> dict[str, dict[str, str]]:
    """Read the site's catalogs (theme/translations/<lang>/LC_MESSAGES/messages.po)."""
    catalogs = {}
    for po_path in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        catalogs[po_path.parent.parent.name] = {
            message.id: message.string for message in catalog if message.id and message.string
        }
    return catalogs


class LiveReload:
    """Wrap the static site: serve the event stream and the script, and add the script."""

    def __init__(self, app, state: BuildState, catalogs: dict[str, dict[str, str]] | None = None):
        self.app = app
        self.state = state
        self.catalogs = catalogs or {}

    def labels(self, lang: str | None) -> dict[str, str]:
        catalog = self.catalogs.get(lang or "", {})
        return {key: catalog.get(msgid, msgid) for key, msgid in LABELS.items()}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == EVENTS:
            return self.events(Request(environ))(environ, start_response)
        if path == SCRIPT:
            response = Response(SCRIPT_FILE.read_bytes(), mimetype="text/javascript")
            response.cache_control.no_cache = True
            return response(environ, start_response)
        return self.serve_page(environ, start_response)

    def events(self, request: Request) -> Response:
        labels = self.labels(request.args.get("lang"))

        def stream():
            seen = None
            while True:
                generation, problems = self.state.wait(seen, KEEP_ALIVE_SECONDS)
                if generation == seen:
                    yield b": keep-alive\n\n"
                    continue
                seen = generation
                data = json.dumps({"generation": generation, "problems": problems,
                                   "labels": labels})
                yield f"event: build\ndata: {data}\n\n".encode()

        response = Response(stream(), mimetype="text/event-stream")
        response.cache_control.no_store = True
        return response

    def serve_page(self, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None  # the static site never uses write()

        body = self.app(environ, capture)
        headers = Headers(captured["headers"])
        is_html = headers.get("Content-Type", "").startswith("text/html")
        if not is_html or headers.get("Content-Encoding") or environ["REQUEST_METHOD"] == "HEAD":
            start_response(captured["status"], captured["headers"])
            return body
        try:
            html = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        html = self.add_script(html)
        headers["Content-Length"] = str(len(html))
        start_response(captured["status"], headers.to_wsgi_list())
        return [html]

    def add_script(self, html: bytes) -> bytes:
        """Return the page with the live reload script before </body>."""
        tag = (f'<script src="{SCRIPT}" data-events="{EVENTS}" '
               f'data-generation="{self.state.generation}" defer></script>').encode()
        # The last </body>: an article may quote the tag in its text.
        ends = [match.start() for match in BODY_END.finditer(html)]
        if not ends:
            return html + tag
        return html[:ends[-1]] + tag + html[ends[-1]:]
