"""Run a PageIndex on its own thread, so Pelican hands pages over and never waits.

Pelican writes pages on one thread; Pagefind indexes them in its own process
on the other core, and this thread only carries pages between the two.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from .page_index import PageIndex


class BackgroundIndex:
    """The search index of one build, fed from Pelican's thread.

    `add` each written page, `write` once all are in (it does not wait),
    `finish` to wait for the bundle; `abort` stops without writing. Nothing
    runs until the first page, and after `finish` or `abort` the next build
    starts afresh (the dev server runs the same Pelican object again and again).
    """

    def __init__(self, output_path: str) -> None:
        self._output = output_path
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._index: PageIndex | None = None
        self._written: Future | None = None

    def add(self, path: str) -> None:
        """Queue a written page for indexing."""
        if self._written is not None:
            raise RuntimeError(f"search_index: {path} was written after the search bundle")
        if self._loop is None:
            self._start()
        self._loop.call_soon_threadsafe(self._index.add, path)

    def write(self) -> None:
        """Write the bundle once every queued page is indexed; return at once."""
        if self._loop is not None and self._written is None:
            self._written = asyncio.run_coroutine_threadsafe(self._index.write(), self._loop)

    def finish(self) -> int:
        """Wait for the bundle, stop Pagefind and the thread; return the pages indexed."""
        if self._loop is None:
            return 0
        self.write()
        finished = False
        try:
            pages = self._written.result()
            finished = True
        finally:
            self._stop(kill=not finished)
        return pages

    def abort(self) -> None:
        """Stop Pagefind and the thread without writing anything (a failed build)."""
        if self._loop is not None:
            self._stop(kill=True)

    def _start(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._index = PageIndex(self._output)
        self._thread = threading.Thread(target=self._loop.run_forever, name="search_index", daemon=True)
        self._thread.start()

    def _stop(self, *, kill: bool) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._index.close(kill=kill), self._loop).result()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
            self._loop = self._thread = self._index = self._written = None
