"""The built output folder: its pages, its files and where each link leads."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, uses_netloc, uses_relative

from .page_facts import PageFacts

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # as urlsplit finds a scheme
_REMOVED = re.compile(r"[\t\r\n]")  # urlsplit drops these characters anywhere
_NOT_PLAIN = re.compile(r"[?;#\t\r\n]")


class BuiltSite:
    """The output folder, with URL-to-file resolution and parsed pages."""

    def __init__(self, output: Path, origin: str, skip_prefixes=()):
        self.output = output
        self.origin = origin.rstrip("/")
        self.skip_prefixes = tuple(p.rstrip("/") + "/" for p in skip_prefixes)
        pages, self.files = _walk(os.fspath(output))
        self.pages: dict[str, PageFacts] = {
            relative: PageFacts(_read(os.path.join(output, relative)))
            for relative in sorted(pages, key=lambda relative: relative.split("/"))
        }
        origin_parts = urlsplit(f"{self.origin}/x")
        self._scheme = origin_parts.scheme  # the scheme urljoin finds in every page's URL
        self._prefix = _plain_prefix(self.origin, origin_parts)
        self._resolved: dict[str, tuple[str | None, bool, bool]] = {}
        self._splits: dict[str, tuple[str, str]] = {}
        self._link_problems: dict[str, str] = {}

    def page_url(self, relative: str) -> str:
        url = f"/{relative}"
        return url[: -len("index.html")] if url.endswith("/index.html") else url

    def resolve(self, href: str, base: str) -> tuple[str | None, str, bool]:
        """Return (output file or None, fragment, is_internal) for a link on page `base`."""
        url, fragment = self._split(href, base)
        target, internal, _ = self._resolve_url(url)
        return target, fragment, internal

    def broken_links(self, hrefs, base: str):
        """Yield "broken link <href>" or "broken anchor <href>" for each bad link on page `base`."""
        known = self._link_problems
        for href in hrefs:
            problem = known.get(href)
            if problem is None:
                problem = self._link_problem(href, base)
            if problem:
                yield f"{problem} {href}"

    def _link_problem(self, href, base):
        url, fragment = self._split(href, base)
        target, internal, exists = self._resolve_url(url)
        if not internal:
            problem = ""
        elif not exists:
            problem = "broken link"
        elif fragment and target in self.pages and fragment not in self.pages[target].ids:
            problem = "broken anchor"
        else:
            problem = ""
        if href in self._splits:  # the link means the same on every page
            self._link_problems[href] = problem
        return problem

    def _split(self, href, base):
        """Return the absolute URL of a link, without its fragment, and the fragment."""
        split = self._splits.get(href)
        if split is not None:
            return split
        if href.startswith("#") and not _REMOVED.search(href):
            return self._page_address(base), href[1:]
        if href.startswith("/") and not href.startswith("//"):
            absolute = self.origin + href  # the common case, without urljoin's cost
        elif self._prefix and href.startswith(self._prefix) and not _NOT_PLAIN.search(href):
            absolute = href  # what urljoin writes for such a URL
        else:
            absolute = urljoin(f"{self.origin}{base}", href)
        url, _, fragment = absolute.partition("#")
        if self._same_on_every_page(href):
            self._splits[href] = url, fragment
        return url, fragment

    def _same_on_every_page(self, href):
        """Tell whether urljoin gives `href` the same meaning on every page."""
        if href.startswith("/") and not href.startswith("//"):
            return True
        if _REMOVED.search(href):
            return False
        scheme = _SCHEME.match(href)
        rest = href[scheme.end() :] if scheme else href
        if scheme and (
            scheme.group()[:-1].lower() != self._scheme or self._scheme not in uses_relative
        ):
            return True  # urljoin returns the link as it is
        # With a host of its own the link does not depend on the page either.
        return (
            self._scheme in uses_netloc
            and rest.startswith("//")
            and rest[2:3] not in ("", "/", "?", "#")
        )

    def _page_address(self, base):
        if self._prefix and not _NOT_PLAIN.search(base):
            return self.origin + base  # what urljoin writes for such a page
        return urljoin(f"{self.origin}{base}", "#").partition("#")[0]

    def _path(self, url):
        """Return the unquoted path of a URL on this site, or None for any other URL."""
        if self._prefix and url.startswith(self._prefix) and not _NOT_PLAIN.search(url):
            return unquote(url[len(self.origin) :])  # what urlsplit would find
        parts = urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or f"{parts.scheme}://{parts.netloc}" != self.origin
        ):
            return None
        return unquote(parts.path)

    def _resolve_url(self, url: str) -> tuple[str | None, bool, bool]:
        """Return (output file or None, is_internal, exists), cached for each URL."""
        resolved = self._resolved.get(url)
        if resolved is None:
            resolved = self._resolved[url] = self._find(url)
        return resolved

    def _find(self, url):
        path = self._path(url)
        if path is None:
            return None, False, False
        if path.startswith(self.skip_prefixes) or f"{path}/".startswith(self.skip_prefixes):
            return None, False, False
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if relative in self.pages or relative in self.files:
            return relative, True, True
        if f"{relative}/index.html" in self.files:
            return f"{relative}/index.html", True, True
        # Not a plain path to a file: ask the file system, as for ".." or a symlink.
        target = self.output / relative
        if target.is_dir() and (target / "index.html").is_file():
            found = f"{relative}/index.html"
        elif target.is_file():
            found = relative
        else:
            found = path
        exists = found in self.pages or (self.output / found.lstrip("/")).is_file()
        return found, True, exists


def _plain_prefix(origin, parts):
    """Return origin + "/" if urlsplit finds this origin in every URL starting with it."""
    if (
        parts.scheme in ("http", "https")
        and f"{parts.scheme}://{parts.netloc}" == origin
        and (parts.path, parts.query, parts.fragment) == ("/x", "", "")
        and not _NOT_PLAIN.search(origin)
    ):
        return f"{origin}/"
    return None


def _walk(root):
    """Return the .html pages and all files under root, as relative POSIX paths."""
    pages, files = [], set()
    folders = [("", root)]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_dir():
                    if not entry.is_symlink():  # as Path.rglob, which does not follow them
                        folders.append((f"{relative}/", entry.path))
                    continue
                if entry.is_file():
                    files.add(relative)
                if entry.name.endswith(".html"):
                    pages.append(relative)
    return pages, files


def _read(path):
    """Return the text of a file as Path.read_text gives it, with less overhead."""
    chunks = []
    file = os.open(path, os.O_RDONLY)
    try:
        while chunk := os.read(file, 1 << 20):
            chunks.append(chunk)
    finally:
        os.close(file)
    text = b"".join(chunks).decode("utf-8")
    if "\r" in text:  # universal newlines, as in text mode
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
