"""One Pagefind index of the pages of one output folder, written as its /pagefind/ bundle.

Pagefind makes one index per `<html lang>` and, as its CLI does, leaves out the
pages without `data-pagefind-body` once any page has it.
"""

from __future__ import annotations

import asyncio
import base64
import os

from .pagefind_service import PagefindService, PagefindServiceError

# Pages read and sent but not yet answered: enough to keep Pagefind busy,
# few enough that a slow Pagefind does not pile the site up in memory.
IN_FLIGHT = 32
_PROBLEMS_SHOWN = 5


class SearchIndexError(RuntimeError):
    """Pagefind failed to index the site."""


class PageIndex:
    """Pages sent to one Pagefind service as they come; lives on one event loop."""

    def __init__(self, output_path: str) -> None:
        self._output = os.path.abspath(output_path)
        self._service = PagefindService()
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._opened: asyncio.Task | None = None
        self._pages: list[asyncio.Task] = []

    def add(self, path: str) -> None:
        """Start indexing a written page (a path inside the output folder)."""
        if self._opened is None:
            self._opened = asyncio.create_task(self._open())
        self._pages.append(asyncio.create_task(self._add(path)))

    async def _open(self) -> int:
        await self._service.start()
        answer = await self._service.request({"type": "NewIndex", "config": None})
        return answer["index_id"]

    async def _add(self, path: str) -> str | None:
        """Index one page; return what went wrong, if anything."""
        # Relative to the output folder, so Pagefind gives the URLs its CLI
        # gives: artiklar/x/index.html is /artiklar/x/.
        source = os.path.relpath(path, self._output).replace(os.sep, "/")
        try:
            index_id = await self._opened
        except PagefindServiceError:
            return None  # reported once by write()
        async with self._slots:
            try:
                with open(path, encoding="utf-8") as page:
                    content = page.read()
                await self._service.request(
                    {
                        "type": "AddFile",
                        "index_id": index_id,
                        "file_path": source,
                        "url": None,
                        "file_contents": content,
                    }
                )
            except (OSError, UnicodeDecodeError, PagefindServiceError) as exc:
                return f"{source}: {exc}"
        return None

    async def write(self) -> int:
        """Wait for every page, then write the bundle; return the number of pages sent."""
        if self._opened is None:
            return 0
        try:
            index_id = await self._opened
        except PagefindServiceError as exc:
            raise SearchIndexError(f"search_index: {exc}") from None
        problems = [problem for problem in await asyncio.gather(*self._pages) if problem]
        if problems:
            shown = "; ".join(problems[:_PROBLEMS_SHOWN])
            more = len(problems) - _PROBLEMS_SHOWN
            raise SearchIndexError(
                f"search_index: Pagefind could not index {len(problems)} pages in {self._output}: "
                f"{shown}{f' (and {more} more)' if more > 0 else ''}"
            )
        bundle = os.path.join(self._output, "pagefind")
        # Not WriteFiles: Pagefind 1.5.2 answers it before the bytes are
        # written, and exits without writing them when its input closes
        # (Pagefind issue 1271). So it hands the files over and they are written here.
        try:
            answer = await self._service.request({"type": "GetFiles", "index_id": index_id})
            _write_files(bundle, answer["files"])
        except (PagefindServiceError, OSError, ValueError) as exc:
            raise SearchIndexError(
                f"search_index: Pagefind could not write {bundle}: {exc}"
            ) from None
        return len(self._pages)

    async def close(self, *, kill: bool = False) -> None:
        """Stop the service once its start is over; `kill` drops the pages still queued."""
        if self._opened is None:
            return
        await asyncio.gather(self._opened, return_exceptions=True)
        await self._service.close(kill=kill)
        # With the service gone, every page still waiting ends at once.
        await asyncio.gather(*self._pages)


def _write_files(bundle: str, files: list[dict]) -> None:
    """Write Pagefind's files (a path inside the bundle, base64 content) into `bundle`."""
    for file in files:
        path = os.path.join(bundle, *file["path"].split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(base64.b64decode(file["content"]))
