"""Build the site into a staging folder and swap it in only when the build succeeds.

Usage: python scripts/build.py SETTINGS_FILE OUTPUT_DIR
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings


def build(settings_file: str, output: Path) -> int:
    """Build into a staging folder; replace `output` only if the build succeeds."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    started = time.perf_counter()
    # finally, not except: Ctrl-C (KeyboardInterrupt) must not leave the staging folder behind.
    try:
        settings = read_settings(settings_file, override={"OUTPUT_PATH": str(staging)})
        try:
            Pelican(settings).run()
        except Exception as exc:  # a failed build must leave the old output untouched
            print(f"Build failed: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"Build interrupted; {output} is left as it was", file=sys.stderr)
            return 130
        # mkdtemp makes the folder private (0700); the web server, another user, must read it.
        staging.chmod(_default_folder_mode())
        previous = output.with_name(f".{output.name}-previous")
        shutil.rmtree(previous, ignore_errors=True)
        if output.exists():
            output.rename(previous)
        staging.rename(output)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a good build
    print(f"Built {output} in {time.perf_counter() - started:.2f} s")
    return 0


def _default_folder_mode() -> int:
    """Return the mode os.mkdir gives a new folder: 0o777 less the umask."""
    umask = os.umask(0)  # the only way to read the umask is to set it...
    os.umask(umask)  # ...and put it back at once
    return 0o777 & ~umask


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    init_logging(level=logging.WARNING)
    return build(argv[1], Path(argv[2]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
