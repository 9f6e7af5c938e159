"""gunicorn settings for ICIS app servers (docs/deployment.md): `gunicorn -c config/gunicorn.conf.py`.

Every value comes from the environment so systemd units, the container and scripts/multiserver.py share
this one file:

GUNICORN_BIND      address:port to listen on, default 127.0.0.1:8000 (the load balancer connects here)
GUNICORN_WORKERS   processes, default 2 × CPUs + 1
GUNICORN_THREADS   threads per process, default 4 (gthread: a slow report does not hold a whole process)
GUNICORN_TIMEOUT   seconds before a stuck worker is killed and replaced, default 120 (PDF reports)
GUNICORN_GRACEFUL_TIMEOUT  seconds a stopping server lets running requests finish, default 30

On SIGTERM (systemctl stop, a rolling restart) gunicorn closes its socket at once, so the load balancer's
new connections go to the other servers, and finishes the requests it holds before exiting. Access lines
come from ICIS itself (icis.core.request_log, with the request id), so gunicorn writes only its error log,
in the same JSON when ICIS_LOG_JSON=1.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# Replace each process now and then, staggered, so a slow leak never takes a server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# Import Django once in the master: workers fork with it loaded (less memory, faster restarts; the
# objects it made are frozen out of the garbage collector in config/wsgi.py).
preload_app = True
# The upload limits are enforced by Django (ICIS_UPLOAD_MAX_BYTES); these only stop absurd headers.
limit_request_line = 8190
limit_request_fields = 100
# X-Forwarded-* believed only from the load balancers (same list Django uses: ICIS_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("ICIS_TRUSTED_PROXIES", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = os.environ.get("GUNICORN_PROC_NAME", "icis")
# Temporary files of request bodies in memory-backed /dev/shm where there is one (faster heartbeats).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

if os.environ.get("ICIS_LOG_JSON", "1" if "production" in os.environ.get("DJANGO_SETTINGS_MODULE", "") else "0") in (
    "1",
    "true",
    "yes",
    "on",
):
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "icis.core.request_log.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
        "root": {"handlers": ["console"], "level": loglevel.upper()},
    }


def post_fork(server, worker):
    # Each process opens its own database connections (none is opened before the fork, but be sure).
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()
