"""Latency of the registry's busiest reads, measured in-process against the current database.

Requests go through the whole Django stack (middleware, auth, views, templates, JSON) with
`django.test.Client`; no network or WSGI server is involved, so the figures are the application's
share of a response time.
"""

import datetime
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from icis.clusters.models import Cluster

WARM_UP = 3
SLOW_P95_MS = 300

# (label, URL): the list a user opens, a search typed without accents, the dashboard's figures today
# and on a past date (a subquery per cluster), and the HTML list page searched.
ENDPOINTS = [
    ("API list, first page", "/api/clusters/"),
    ("API search `q=dong phu`", "/api/clusters/?q=dong+phu"),
    ("API summary", "/api/stats/summary/"),
    ("API summary `as_of=2024-06-30`", "/api/stats/summary/?as_of=2024-06-30"),
    ("HTML list `q=dong phu`", "/clusters/?q=dong+phu"),
]


class BenchError(Exception):
    pass


@dataclass
class Timing:
    label: str
    url: str
    queries: int
    kilobytes: float
    p50: float
    p95: float
    max: float


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def bench_user(username: str | None = None):
    User = get_user_model()
    if username:
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_superuser:
            raise BenchError(f"No superuser named {username!r} in this database.")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_superuser(username="bench", email="", password=None)
    return user


def measure(client: Client, label: str, url: str, iterations: int) -> Timing:
    headers = {"HTTP_ACCEPT": "application/json"} if url.startswith("/api/") else {}
    for _ in range(WARM_UP):
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}, not 200; nothing was measured.")
    with CaptureQueriesContext(connection) as queries:
        size = len(client.get(url, **headers).content)
    # read now: the next request clears the connection's query log
    query_count = len(queries)
    timings = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(url, **headers)
        response.content  # noqa: B018 - a streamed body would otherwise not be produced
        timings.append((time.perf_counter() - started) * 1000)
    return Timing(
        label=label,
        url=url,
        queries=query_count,
        kilobytes=size / 1024,
        p50=statistics.median(timings),
        p95=percentile(timings, 0.95),
        max=max(timings),
    )


@dataclass
class Run:
    timings: list[Timing]
    iterations: int
    load_before: float
    load_after: float


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def run(*, iterations: int, username: str | None = None) -> Run:
    if iterations < 1:
        raise BenchError(f"--iterations must be at least 1 (got {iterations}).")
    load_before = _load()
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client = Client()
        client.force_login(bench_user(username))
        timings = [measure(client, label, url, iterations) for label, url in ENDPOINTS]
    return Run(timings=timings, iterations=iterations, load_before=load_before, load_after=_load())


def _cpu() -> str:
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} CPUs"


def database() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return connection.display_name


def code_version() -> str:
    """The git commit measured, and whether the working tree differed from it."""
    root = Path(settings.BASE_DIR)
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{commit} with uncommitted changes" if dirty else commit


def report(result: Run, *, title: str = "") -> str:
    total = Cluster.objects.count()
    synthetic = Cluster.objects.filter(is_synthetic=True).count()
    facts = [
        f"- Clusters: {total:,} ({synthetic:,} synthetic)",
        f"- Database: {database()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, DEBUG={settings.DEBUG}",
        f"- Machine: {_cpu()}; load average (1 min) {result.load_before:.2f} before, {result.load_after:.2f} after",
        f"- Code: {code_version()}",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- {result.iterations} timed requests per row after {WARM_UP} warm-up requests",
    ]
    rows = [
        "| Request | Queries | Response KB | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {t.label} | {t.queries} | {t.kilobytes:.1f} | {t.p50:.1f} | {t.p95:.1f} | {t.max:.1f} |"
            for t in result.timings
        ),
    ]
    heading = f"### {title or database()} — {total:,} clusters, {datetime.date.today().isoformat()}"
    return "\n".join([heading, "", *facts, "", *rows, ""])
