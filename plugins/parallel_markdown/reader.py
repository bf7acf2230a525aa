"""A Markdown reader that converts the files it is told about ahead, in other processes.

Pelican reads one file at a time; converting Markdown to HTML is most of a
build's reading time and uses one core. This reader sends the files of a
generator to a pool of processes as soon as the first one is read, and then
hands out the results in whatever order Pelican asks. Metadata is still
processed here, in the build's own process, exactly as Pelican does it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader

from plugins import processes

from . import worker

logger = logging.getLogger(__name__)

# Below this many files a pool costs more than it saves.
MIN_FILES = 64
BATCH = 32


def process_count(settings) -> int:
    """Return how many reader processes to use (MARKDOWN_PROCESSES; default: one per core)."""
    return processes.process_count(
        settings, "MARKDOWN_PROCESSES", logger, "reading in one process"
    )


class ParallelMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, converting the planned files ahead in worker processes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._planned: list[str] = []
        self._pending: dict[str, tuple[Future, int]] = {}
        self._pool: ProcessPoolExecutor | None = None

    def plan(self, paths) -> None:
        """Remember the files this reader will be asked for (absolute paths, in order)."""
        self._planned = [os.path.abspath(p) for p in paths]

    def _start(self) -> None:
        paths, self._planned = self._planned, []
        processes = process_count(self.settings)
        if (
            processes < 2
            or len(paths) < MIN_FILES
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return
        formatted = tuple(self.settings["FORMATTED_FIELDS"])
        # Fork, so each process inherits the Markdown settings as they are,
        # extension objects included, without pickling them.
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=worker.start,
            initargs=(self.settings["MARKDOWN"],),
        )
        for start in range(0, len(paths), BATCH):
            batch = paths[start : start + BATCH]
            future = self._pool.submit(worker.render_many, batch, formatted)
            for position, path in enumerate(batch):
                self._pending[path] = (future, position)
        logger.debug("parallel_markdown: %d files in %d processes", len(paths), processes)

    def _prefetched(self, path: str):
        if self._planned:
            self._start()
        found = self._pending.pop(path, None)
        if found is None:
            return None
        future, position = found
        try:
            result = future.result()[position]
        except Exception as error:  # a worker died or a result could not be sent back
            logger.debug("parallel_markdown: reading %s here instead (%s)", path, error)
            result = None
        if not self._pending:
            self.close()
        return result

    def close(self) -> None:
        """Stop the worker processes; files not read yet are read here."""
        self._pending.clear()
        self._planned = []
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def read(self, source_path):
        rendered = self._prefetched(os.path.abspath(source_path))
        if rendered is None:
            content, metadata = super().read(source_path)
        else:
            self._source_path = source_path
            content, meta, formatted = rendered
            metadata = self._metadata(meta, formatted)
        # read_file names the reader after its class; this is still the Markdown reader.
        metadata["reader"] = "markdown"
        return content, metadata

    def _metadata(self, meta: dict, formatted: dict) -> dict:
        """Process raw metadata as MarkdownReader._parse_metadata does, fields pre-rendered."""
        output = {}
        for name, value in meta.items():
            if name in formatted:
                output[name] = self.process_metadata(name, formatted[name])
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    logger.warning(
                        "Duplicate definition of `%s` for %s. Using first one.",
                        name,
                        self._source_path,
                    )
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output
