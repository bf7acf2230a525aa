"""Index the pages in a feeder process (feeder.py), so Pelican's process only names them.

Reading each page, encoding it and talking to Pagefind would cost Pelican's
single thread about half a millisecond a page (the GIL); the feeder does it
on the other core, and Pelican spends a few microseconds writing a path to a pipe.
"""

from __future__ import annotations

import os
import signal
import subprocess

from .feeder import WRITE, feeder_command
from .page_index import SearchIndexError

_STOP_TIMEOUT = 10  # seconds the feeder gets to kill Pagefind and exit


class BackgroundIndex:
    """The search index of one build, fed from Pelican's thread.

    `add` each written page, `write` once all are in (it does not wait),
    `finish` to wait for the bundle; `abort` stops without writing. Nothing
    runs until the first page, and after `finish` or `abort` the next build
    starts afresh (the dev server runs the same Pelican object again and again).
    """

    def __init__(self, output_path: str) -> None:
        self._output = output_path
        self._feeder: subprocess.Popen | None = None
        self._writing = False

    def add(self, path: str) -> None:
        """Queue a written page for indexing."""
        if self._writing:
            raise RuntimeError(f"search_index: {path} was written after the search bundle")
        if self._feeder is None:
            self._start()
        self._send(os.fsencode(path) + b"\n")

    def write(self) -> None:
        """Have the feeder write the bundle once every page is indexed; return at once."""
        if self._feeder is not None and not self._writing:
            self._writing = True
            self._send(WRITE, flush=True)

    def finish(self) -> int:
        """Wait for the bundle and the feeder's exit; return the pages indexed."""
        if self._feeder is None:
            return 0
        self.write()
        stdout, stderr = self._feeder.communicate()
        returncode = self._feeder.returncode
        self._feeder, self._writing = None, False
        if returncode != 0:
            message = stderr.decode("utf-8", "replace").strip()
            failed = f"search_index: the feeder failed (exit code {returncode})"
            raise SearchIndexError(message or failed)
        return int(stdout)

    def abort(self) -> None:
        """Stop the feeder and Pagefind without writing anything (a failed build)."""
        if self._feeder is None:
            return
        self._feeder.terminate()
        try:
            self._feeder.communicate(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            # Pagefind is in the feeder's process group (its own session).
            os.killpg(self._feeder.pid, signal.SIGKILL)
            self._feeder.communicate()
        self._feeder, self._writing = None, False

    def _start(self) -> None:
        command, env = feeder_command(self._output)
        # A session of its own keeps the terminal's Ctrl-C from the feeder:
        # the build stops it with abort(), or it sees its input close.
        self._feeder = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )

    def _send(self, line: bytes, *, flush: bool = False) -> None:
        try:
            self._feeder.stdin.write(line)
            if flush:
                self._feeder.stdin.flush()
        except BrokenPipeError:
            pass  # the feeder has stopped; finish() reports why
