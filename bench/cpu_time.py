"""CPU seconds used by processes, read from Linux /proc: where a benchmark's time goes."""

import glob
import os

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(path):
    with open(path) as fh:
        text = fh.read()
    name = text[text.index("(") + 1:text.rindex(")")]
    return name, text.rsplit(")", 1)[1].split()


def cpu_seconds(pids):
    """User plus system CPU seconds of the given processes (gone ones count as 0)."""
    total = 0
    for pid in pids:
        try:
            _, fields = _stat(f"/proc/{pid}/stat")
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def pids_named(name):
    """The pids of every process whose command name is name (e.g. every PostgreSQL backend)."""
    found = []
    for path in glob.glob("/proc/[0-9]*/stat"):
        try:
            command, _ = _stat(path)
        except OSError:
            continue
        if command == name:
            found.append(int(path.split("/")[2]))
    return found
