"""The error that stops a build, and where the problems found are collected."""

from __future__ import annotations

import logging
import sys

_COLLECTOR_KEY = "_CONTENT_CHECKS_COLLECTOR"


class ContentError(Exception):
    """One or more content files are unusable; the message names each file."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} content problem(s):\n" + "\n".join(self.problems)
        )


class ProblemCollector(logging.Handler):
    """Collect explicit problems and the errors Pelican logs while reading files."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.problems: list[str] = []

    def emit(self, record):
        # Pelican logs unreadable files ("Could not process ...") and skips
        # them; for this site a skipped file is a build error.
        # Pelican logs it without the exception unless DEBUG is on, but the
        # handler runs inside its `except` block, so the cause is still at hand.
        lines = [line.strip() for line in record.getMessage().splitlines() if line.strip()]
        cause = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        if cause is not None and str(cause) not in lines:
            lines.append(str(cause))
        self.problems.append(": ".join(lines))

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def __reduce__(self):
        # Pelican's content cache pickles the settings this collector lives in;
        # a handler holds a lock, so a pickled copy starts empty instead.
        return (ProblemCollector, ())


def start_collecting(settings) -> None:
    stop_collecting(settings)
    collector = ProblemCollector()
    settings[_COLLECTOR_KEY] = collector
    logging.getLogger("pelican").addHandler(collector)


def stop_collecting(settings) -> None:
    collector = settings.pop(_COLLECTOR_KEY, None)
    if collector is not None:
        logging.getLogger("pelican").removeHandler(collector)


def report(settings, problem: str) -> None:
    settings[_COLLECTOR_KEY].add(problem)


def raise_if_problems(settings) -> None:
    """Stop the build before anything is written, if any problem was found."""
    collector = settings.get(_COLLECTOR_KEY)
    if collector is not None and collector.problems:
        problems = list(dict.fromkeys(collector.problems))
        stop_collecting(settings)
        raise ContentError(problems)
