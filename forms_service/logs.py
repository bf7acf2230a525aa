"""Logs to stdout, one line per record, each tagged with the request id (JSON or text)."""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

import click
from flask import g, has_request_context, request

# nginx's $request_id is 32 hex digits; accept any short token of safe characters, so a
# forged header can neither break a log line nor grow without bound.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
HEADER = "X-Request-ID"
# Attributes every LogRecord has; anything else was passed in `extra` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


def request_id():
    """The id of the current request, or None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get(HEADER, "")
        g.request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Put the request id on every record (None for the outbox worker and the CLI)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def _in_command():
    return click.get_current_context(silent=True) is not None


class StdoutHandler(logging.StreamHandler):
    """Write to whatever sys.stdout is at the time (test runners swap it).

    Inside a `flask ...` command stdout is the command's answer (an export, a count), so
    there only warnings and errors are logged, to stderr, as Python does without a handler.
    """

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr if _in_command() else sys.stdout

    @stream.setter
    def stream(self, value):
        pass

    def emit(self, record):
        if record.levelno >= logging.WARNING or not _in_command():
            super().emit(record)


def formatter(kind):
    """The formatter for FORMS_LOG_FORMAT (json or text)."""
    if kind == "json":
        return JSONFormatter()
    if kind == "text":
        return logging.Formatter(TEXT_FORMAT)
    raise ValueError(f"FORMS_LOG_FORMAT: expected json or text, got {kind!r}")


def init_app(app):
    """Log the forms_service loggers to stdout and tag every request with its id."""
    handler = _handler()
    handler.setFormatter(formatter(app.config["LOG_FORMAT"]))
    app.before_request(_start)
    app.after_request(_finish)


def _handler():
    # One handler for the process however many apps are created (tests make many).
    logger = logging.getLogger("forms_service")
    for existing in logger.handlers:
        if isinstance(existing, StdoutHandler):
            return existing
    handler = StdoutHandler()
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # Pelican (same process under `make run`, and in the tests) makes every new logger
    # drop repeated messages; the request log repeats by nature and must keep each line.
    logging.getLogger("forms_service.request").filters.clear()
    return handler


def _start():
    g.request_started = time.perf_counter()
    request_id()


def _finish(response):
    response.headers[HEADER] = request_id()
    started = g.get("request_started")
    path = request.script_root + request.path
    logging.getLogger("forms_service.request").info(
        "%s %s %s", request.method, path, response.status_code,
        extra={"method": request.method, "path": path,
               "status": response.status_code,
               # A view may set g.log_without_address (the reader count's beacon).
               "remote_addr": None if g.get("log_without_address") else request.remote_addr,
               "duration_ms": round((time.perf_counter() - started) * 1000, 1)
               if started else None})
    return response
