"""A WSGI app that serves a built site folder the way the production web server does."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

# Fingerprinted assets (site.0123abcdef.css) never change, so they may be cached for a year.
HASHED_NAME = re.compile(r"\.[0-9a-f]{10}\.(css|js)$")


class StaticSite:
    """Serve files from `root`: directory URLs get index.html, misses the language's 404."""

    def __init__(self, root: str | Path, not_found_pages: dict[str, str] | None = None):
        self.root = Path(root).resolve()
        # URL prefix -> 404 page, longest prefix first ("en/" -> "en/404.html").
        pages = not_found_pages or {"": "404.html"}
        self.not_found_pages = sorted(pages.items(), key=lambda item: -len(item[0]))

    def _resolve(self, url_path: str) -> Path | None:
        candidate = (self.root / url_path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _file_response(self, environ, path: Path, status: int = 200) -> Response:
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype in (
            "application/javascript",
            "application/xml",
        ):
            mimetype += "; charset=utf-8"
        # Like nginx's gzip_static/brotli_static: send a precompressed copy
        # when the production build made one and the client accepts it.
        accepted = Request(environ).accept_encodings
        body, encoding = path, None
        for suffix, name in ((".br", "br"), (".gz", "gzip")):
            candidate = path.with_name(path.name + suffix)
            if accepted[name] and candidate.is_file():
                body, encoding = candidate, name
                break
        response = Response(
            wrap_file(environ, body.open("rb")),
            status=status,
            mimetype=mimetype,
            direct_passthrough=True,
        )
        response.content_length = body.stat().st_size
        response.vary.add("Accept-Encoding")
        if encoding:
            response.content_encoding = encoding
        if HASHED_NAME.search(path.name):
            response.cache_control.public = True
            response.cache_control.max_age = 31_536_000
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response

    def __call__(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if path.endswith("/") is False and (self.root / path.lstrip("/")).is_dir():
            response = Response(status=301, headers={"Location": path + "/"})
            return response(environ, start_response)
        found = self._resolve(path)
        if found is not None:
            return self._file_response(environ, found)(environ, start_response)
        relative = path.lstrip("/")
        for prefix, page in self.not_found_pages:
            if relative.startswith(prefix) and (self.root / page).is_file():
                return self._file_response(environ, self.root / page, 404)(environ, start_response)
        return Response("Not found", status=404)(environ, start_response)
