"""Benchmark settings: production-like (DEBUG off), on a database of its own.

DATABASE_URL defaults to var/bench.sqlite3 so the benchmark never touches the demo database;
set it to a PostgreSQL URL to measure there.
"""

import os

os.environ.setdefault("DATABASE_URL", "sqlite:///var/bench.sqlite3")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")

from .base import *  # noqa: E402,F403

# Timings with DEBUG on would include recording every query; measure what production runs.
DEBUG = False
# django.test.Client, which the benchmark drives, sends Host: testserver.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
# The national benchmark drives gunicorn on loopback, counts each request's queries in a response
# header and compares every endpoint with a constant one (icis/synthetic/bench_server.py).
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost"]
MIDDLEWARE = ["icis.synthetic.bench_server.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "icis.synthetic.bench_server"
