"""Feed written pages to Pagefind from a process of their own (`python -m plugins.search_index`).

The build only writes page paths to this program's input, one per line, so
reading, encoding and sending the pages costs Pelican's process nothing. An
empty line means every page is in: the program writes the bundle to
OUTPUT/pagefind, prints the number of pages and exits 0. Its input closing
without that line, or SIGTERM, means the build stopped: it kills Pagefind and
exits 1 without writing. Any failure is one message on stderr and exit code 1.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from .page_index import PageIndex, SearchIndexError

WRITE = b"\n"  # an empty line: no page path is empty
# The folder that holds the `plugins` package this build imported: the feeder runs the
# same code, even from a checkout the virtualenv's editable install does not point at.
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def feeder_command(output_path: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run this program for `output_path`."""
    path = os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", __package__, os.path.abspath(output_path)]
    return command, {**os.environ, "PYTHONPATH": path}


async def feed(output_path: str) -> int:
    """Index the pages named on stdin until the write command; return the pages indexed."""
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    lines = asyncio.StreamReader()
    protocol = asyncio.StreamReaderProtocol(lines)
    stdin, _ = await loop.connect_read_pipe(lambda: protocol, sys.stdin.buffer)
    index = PageIndex(output_path)
    written = False
    try:
        async for line in lines:
            if line == WRITE:
                pages = await index.write()
                written = True
                return pages
            index.add(os.fsdecode(line.rstrip(b"\n")))
        raise SearchIndexError(
            "search_index: the build stopped before its last page; no search bundle written"
        )
    finally:
        await index.close(kill=not written)
        stdin.close()


def main(argv: list[str] | None = None) -> int:
    """Run the feeder for the output folder named in `argv`; return the exit code."""
    (output_path,) = sys.argv[1:] if argv is None else argv
    try:
        pages = asyncio.run(feed(output_path))
    except SearchIndexError as exc:
        print(exc, file=sys.stderr)
        return 1
    except asyncio.CancelledError:
        return 1  # SIGTERM: the build stopped and reads no message
    print(pages)
    return 0
