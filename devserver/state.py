"""The outcome of the latest build, shared by the watcher and the open pages."""

from __future__ import annotations

import threading


class BuildState:
    """Count finished builds and keep the problems of the latest one.

    The watcher calls `finished()` after every build; each open page waits in `wait()`
    and reloads (or shows the problems) when the count moves on.
    """

    def __init__(self):
        self._changed = threading.Condition()
        self.generation = 0
        self.problems: list[dict] = []

    def finished(self, problems: list[dict]) -> None:
        """Record a build: no problems means it succeeded and its output is being served."""
        with self._changed:
            self.generation += 1
            self.problems = list(problems)
            self._changed.notify_all()

    def wait(self, seen: int | None, timeout: float) -> tuple[int, list[dict]]:
        """Return (generation, problems) once a build other than `seen` is done, or at timeout."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen, timeout)
            return self.generation, list(self.problems)
