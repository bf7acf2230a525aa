"""The error that stops a build, and where the problems found are collected."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass

_COLLECTOR_KEY = "_CONTENT_CHECKS_COLLECTOR"
# Pelican's own message for missing metadata; check_metadata has said the same already.
_PELICAN_MISSING = "Skipping %s: could not find information about '%s'"
_PELICAN_UNREADABLE = "Could not process %s"


@dataclass(frozen=True)
class Problem:
    """One problem in one file: `file` relative to the site folder, `line` when known."""

    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if not self.file:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    """One or more content files are unusable; the message names each file."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} content problem(s):\n" + "\n".join(map(str, self.problems))
        )


class ProblemCollector(logging.Handler):
    """Collect explicit problems and the errors Pelican logs while reading files.

    A record it collects is marked `content_problem`, so a log handler that shows the
    collected list (scripts/build.py) can leave it out: one message per problem.
    """

    def __init__(self, settings=None):
        super().__init__(level=logging.ERROR)
        self.problems: list[Problem] = []
        self.base = os.path.dirname(settings["PATH"]) if settings else ""
        self.content = os.path.basename(settings["PATH"]) if settings else ""

    def emit(self, record):
        record.content_problem = True
        if record.msg == _PELICAN_MISSING and record.args:
            source = self.relative(str(record.args[0]))
            if any(problem.file == source for problem in self.problems):
                return
        # Pelican logs unreadable files ("Could not process ...") and skips
        # them; for this site a skipped file is a build error.
        # Pelican logs it without the exception unless DEBUG is on, but the
        # handler runs inside its `except` block, so the cause is still at hand.
        cause = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        if record.msg == _PELICAN_UNREADABLE and record.args and cause is not None:
            # The path is relative to the content folder; the others name it too.
            file = os.path.join(self.content, str(record.args[0]))
            self.problems.append(Problem(file, f"could not process: {cause}"))
            return
        lines = [line.strip() for line in record.getMessage().splitlines() if line.strip()]
        if cause is not None and str(cause) not in lines:
            lines.append(str(cause))
        self.problems.append(Problem("", ": ".join(lines)))

    def relative(self, path: str) -> str:
        """Return `path` relative to the folder that holds the content folder."""
        return os.path.relpath(path, self.base) if self.base and os.path.isabs(path) else path

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def __reduce__(self):
        # Pelican's content cache pickles the settings this collector lives in;
        # a handler holds a lock, so a pickled copy starts empty instead.
        return (ProblemCollector, ())


def start_collecting(settings) -> None:
    stop_collecting(settings)
    collector = ProblemCollector(settings)
    settings[_COLLECTOR_KEY] = collector
    logging.getLogger("pelican").addHandler(collector)


def stop_collecting(settings) -> None:
    collector = settings.pop(_COLLECTOR_KEY, None)
    if collector is not None:
        logging.getLogger("pelican").removeHandler(collector)


def report(settings, file: str, message: str, line: int | None = None) -> None:
    settings[_COLLECTOR_KEY].add(Problem(file, message, line))


def raise_if_problems(settings) -> None:
    """Stop the build before anything is written, if any problem was found."""
    collector = settings.get(_COLLECTOR_KEY)
    if collector is not None and collector.problems:
        problems = list(dict.fromkeys(collector.problems))
        stop_collecting(settings)
        raise ContentError(problems)
