"""Write .gz and .br copies of text files, for web servers that serve them as they are."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli

TEXT_SUFFIXES = {".html", ".css", ".js", ".xml", ".txt", ".json", ".svg", ".webmanifest"}


def precompress_output(output: Path, min_size: int = 256) -> int:
    """Compress every text file of at least `min_size` bytes; return how many were done."""
    count = 0
    for path in output.rglob("*"):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        data = path.read_bytes()
        if len(data) < min_size:
            continue
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
        path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=11))
        count += 1
    return count
