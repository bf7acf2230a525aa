"""gunicorn settings for one instance of the forms service (see deploy/systemd/).

    gunicorn -c deploy/gunicorn.conf.py

Every value can be changed through the environment, so one file serves every instance:
FORMS_BIND (127.0.0.1:8001), FORMS_WORKERS (2 per CPU), FORMS_THREADS (4).
"""

import multiprocessing
import os

wsgi_app = "forms_service:create_app()"
bind = os.environ.get("FORMS_BIND", "127.0.0.1:8001")
# Requests mostly wait on PostgreSQL and Redis: a few processes with threads each.
workers = int(os.environ.get("FORMS_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("FORMS_THREADS", 4))
# Each worker builds its own app (and database pool) after the fork: nothing shared.
preload_app = False
timeout = 30
graceful_timeout = 20  # a restart lets requests in flight finish
keepalive = 5  # longer than nginx's upstream keepalive needs, shorter than its timeout
max_requests = 5000
max_requests_jitter = 500
# Several instances run on one machine; gunicorn 25+'s control socket would be shared.
control_socket_disable = True

# nginx passes /forms/... unchanged; SCRIPT_NAME makes url_for build /forms/... links.
# JSON logs unless FORMS_LOG_FORMAT says otherwise; the app logs one line per request
# with its id, so gunicorn's own access log stays off.
raw_env = ["SCRIPT_NAME=" + os.environ.get("FORMS_SCRIPT_NAME", "/forms"),
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
