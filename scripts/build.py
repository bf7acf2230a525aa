"""Build the site into a staging folder and swap it in only when the build succeeds.

Usage: python scripts/build.py SETTINGS_FILE OUTPUT_DIR [--problems FILE] [--cache DIR]

A failed build prints one line per problem, `file:line: message` (the line where known),
and with --problems also writes them to FILE as JSON for `make run`'s error overlay.
--cache keeps Pelican's content cache in DIR (`make run` uses it between saves).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
# "content/articles/sv/a.md: message" or "content/a.md:12: message", as the plugins report.
FILE_PREFIX = re.compile(r"^(?P<file>[^\s:]+\.[\w]+)(?::(?P<line>\d+))?: (?P<message>.+)$", re.S)


def problems_of(exc: BaseException) -> list[dict]:
    """Return the problems behind a failed build as {file, line, message} dicts."""
    listed = getattr(exc, "problems", None)
    if listed:
        return [_problem(item) for item in listed]
    filename = getattr(exc, "filename", None)  # Jinja's TemplateSyntaxError, SyntaxError
    lineno = getattr(exc, "lineno", None)
    if filename:
        text = getattr(exc, "message", None) or getattr(exc, "msg", None) or str(exc)
        return [{"file": _relative(filename), "line": lineno, "message": text}]
    # Anything else: the deepest frame in this project's own code says where.
    file, line = "", None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            file, line = _relative(frame.filename), frame.lineno
    return [{"file": file, "line": line, "message": f"{type(exc).__name__}: {exc}"}]


def _problem(item) -> dict:
    if hasattr(item, "message"):
        return {"file": item.file, "line": item.line, "message": item.message}
    match = FILE_PREFIX.match(str(item))
    if match is None:
        return {"file": "", "line": None, "message": str(item)}
    line = match["line"]
    return {"file": match["file"], "line": int(line) if line else None, "message": match["message"]}


def _relative(path: str) -> str:
    resolved = Path(path).resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else path


def _format(problem: dict) -> str:
    where = problem["file"]
    if where and problem["line"]:
        where += f":{problem['line']}"
    return f"{where}: {problem['message']}" if where else problem["message"]


def _hide_collected(record: logging.LogRecord) -> bool:
    """Keep out of the log what the content checks collected: the failure lists it once."""
    return not getattr(record, "content_problem", False)


def build(
    settings_file: str, output: Path, problems_file: Path | None = None, cache: Path | None = None
) -> int:
    """Build into a staging folder; replace `output` only if the build succeeds."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    started = time.perf_counter()
    # finally, not except: Ctrl-C (KeyboardInterrupt) must not leave the staging folder behind.
    try:
        try:
            override = {"OUTPUT_PATH": str(staging)}
            if cache is not None:
                override.update(CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(cache))
            settings = read_settings(settings_file, override=override)
            Pelican(settings).run()
        except Exception as exc:  # a failed build must leave the old output untouched
            problems = problems_of(exc)
            lines = "\n".join(f"  {_format(problem)}" for problem in problems)
            print(f"Build failed: {len(problems)} problem(s):\n{lines}", file=sys.stderr)
            if problems_file is not None:
                problems_file.write_text(json.dumps(problems), encoding="utf-8")
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings")
    parser.add_argument("output", type=Path)
    parser.add_argument("--problems", type=Path, help="write a failed build's problems here (JSON)")
    parser.add_argument("--cache", type=Path, help="keep Pelican's content cache in this folder")
    args = parser.parse_args(argv[1:])
    init_logging(level=logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_hide_collected)
    if args.problems is not None:
        args.problems.unlink(missing_ok=True)
    return build(args.settings, args.output, args.problems, args.cache)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
