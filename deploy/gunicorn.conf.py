"""gunicorn settings for one instance of the forms service (see deploy/systemd/).

    gunicorn -c deploy/gunicorn.conf.py

Every value can be changed through the environment, so one file serves every instance:
FORMS_BIND (127.0.0.1:8001), FORMS_WORKERS (2 per CPU), FORMS_THREADS (4), FORMS_SCRIPT_NAME
(/forms); their defaults live with the app's in forms_service/config.py.
"""

import os

from forms_service.config import server_settings

server = server_settings()
wsgi_app = "forms_service:create_app()"
bind = server["bind"]
# Requests mostly wait on PostgreSQL and Redis: a few processes with threads each.
workers = server["workers"]
worker_class = "gthread"
threads = server["threads"]
# Each worker builds its own app (and database pool) after the fork: nothing shared.
preload_app = False
# A stuck request: every call the app makes out has a deadline (PostgreSQL 2 s to connect,
# 4.5 s per answer, 3 s for a pooled connection; Redis 1 s; SMTP and webhooks only in the
# outbox worker), so a request ends within about 5 s even when a server hangs. Should
# something else still block a thread, gthread cannot kill that thread, so the worker
# must not be wedged for good by it:
# - `threads` > 1: one stuck thread leaves the worker's other threads serving;
# - `max_requests` (+ jitter): the worker is recycled after that many requests, and a
#   recycle waits at most `graceful_timeout` for its requests, then kills the process;
# - `timeout`: the arbiter kills a worker whose main loop stops sending heartbeats
#   (with gthread that is the accept loop, not a request, so it may stay at 30 s).
# The sync worker would kill a worker at `timeout` per request instead, but then one slow
# request blocks its whole process: with deadlines everywhere, threads serve better.
timeout = 30
graceful_timeout = 20  # a restart lets requests in flight finish, a stuck one is killed
keepalive = 5  # longer than nginx's upstream keepalive needs, shorter than its timeout
max_requests = 5000
max_requests_jitter = 500
# Several instances run on one machine; gunicorn 25+'s control socket would be shared.
control_socket_disable = True

# nginx passes /forms/... unchanged; SCRIPT_NAME makes url_for build /forms/... links.
# JSON logs unless FORMS_LOG_FORMAT says otherwise; the app logs one line per request
# with its id, so gunicorn's own access log stays off.
raw_env = ["SCRIPT_NAME=" + server["script_name"],
           "FORMS_LOG_FORMAT=" + os.environ.get("FORMS_LOG_FORMAT", "json")]
accesslog = None
loglevel = "info"
# gunicorn's own messages as JSON too. The root logger stays without a handler, since the
# app's loggers already write to stdout (other libraries' warnings reach stderr).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": []},
    "formatters": {"json": {"()": "forms_service.logs.JSONFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json",
                            "stream": "ext://sys.stdout"}},
    "loggers": {"gunicorn.error": {"handlers": ["stdout"], "level": "INFO",
                                   "propagate": False}},
}
