"""The national benchmark: every main page and endpoint through gunicorn, side by side in one table.

`manage.py bench_national` (the Makefile's `bench`) starts gunicorn on the benchmark settings against
DATABASE_URL (the 1× data set) and, with `--ten-x-url`, a second one against the 10× database, then
requests each URL in turn on both (interleaved: one request to 1×, one to 10×), signed in as a
superuser by session cookie, so every request crosses the network stack, WSGI, all middleware and
authentication. For each row it reports:

- p50 / p95 latency (ms) of the timed requests;
- queries: SQL statements of one warm request, the last timed one (the benchmark settings' middleware counts
  them and says so in a response header; the session read and write included);
- % floor: sequential throughput as a share of a constant DRF endpoint behind the same middleware and
  authentication (`/bench/floor/`, benchmark URLconf only);
- × SQL: p50 over the time of hand-written SQL computing the same figures (aggregates only);
- 10×/1×: p50 at 10× over p50 at 1×.

Each figure is compared with the issue's target and a miss is marked ✗.
"""

import datetime
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client

from icis.clusters.models import Cluster

from .bench import BenchError, _cpu, bench_user, code_version, database, percentile

WARM_UP = 2

# (label, url, kind). Kinds carry the targets below; {pk} and {briefing} are filled from the data.
ENDPOINTS = [
    ("Floor: constant DRF endpoint", "/bench/floor/", "floor"),
    ("API cluster list", "/api/clusters/", "list"),
    ("API cluster detail", "/api/clusters/{pk}/", "detail"),
    ("API registry summary", "/api/stats/summary/", "summary"),
    ("API registry summary as of 30/06/2024", "/api/stats/summary/?as_of=2024-06-30", "as_of"),
    ("API construction summary", "/api/construction/summary/", "summary"),
    ("API construction board", "/api/construction/board/", "list"),
    ("Construction board page", "/construction/", "page"),
    ("API occupancy by cluster", "/api/occupancy/?group_by=cluster", "summary"),
    ("API occupancy by commune", "/api/occupancy/?group_by=commune", "summary"),
    ("API occupancy, whole country", "/api/occupancy/?group_by=city", "summary"),
    ("Dashboard page", "/", "summary"),
    ("Briefing page, 10 clusters", "/construction/briefing/?{briefing}", "page"),
    ("API wastewater plants", "/api/wwtps/", "list"),
    ("API samples of one plant", "/api/wwtps/{plant}/samples/", "list"),
    ("API environmental violations", "/api/environment/violations/", "list"),
    ("API environment summary", "/api/environment/summary/", "summary"),
    ("API inspections", "/api/inspections/", "list"),
    ("API inspection violations", "/api/violations/", "list"),
]
TARGET_P95 = {"list": 50, "detail": 50, "summary": 100, "as_of": 1000, "page": 1000}
TARGET_FLOOR = {"list": 30, "detail": 60, "summary": 60}
TARGET_RAW = 3  # summaries at most 3× their raw SQL
TARGET_SCALE = 2  # 10×/1× for every aggregate
AGGREGATES = ("summary", "as_of")


@dataclass
class Row:
    label: str
    kind: str
    url: str
    p50: float = 0.0
    p95: float = 0.0
    queries: int | None = None
    rps: float = 0.0
    p50_10x: float | None = None
    raw_ms: float | None = None
    error: str = ""
    floor_share: float | None = None
    misses: list = field(default_factory=list)


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class Server:
    """One gunicorn process group on 127.0.0.1:port against `database_url`, stopped on exit."""

    def __init__(self, port: int, database_url: str, workers: int = 2):
        if not _free(port):
            raise BenchError(f"Port {port} is in use; pass another with --port.")
        env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
        self.port = port
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while _free(port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise BenchError(f"gunicorn did not start on port {port}.")
            time.sleep(0.2)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, url: str, cookie: str) -> tuple[int, float, int | None, int]:
        started = time.perf_counter()
        self.connection.request("GET", url, headers={"Cookie": cookie, "Accept": "application/json, text/html"})
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        queries = response.getheader("X-Bench-Queries")
        return response.status, elapsed, int(queries) if queries else None, len(body)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _fill(url: str) -> str:
    from icis.environment.models import Sample

    cluster = Cluster.objects.order_by("pk").values_list("pk", flat=True).first()
    board = Cluster.objects.filter(status="under_construction").order_by("pk").values_list("pk", flat=True)[:10]
    plant = Sample.objects.order_by("plant_id").values_list("plant_id", flat=True).first()
    return url.format(pk=cluster, plant=plant, briefing="&".join(f"cluster={pk}" for pk in board))


# Hand-written SQL that computes the same figures as a row, timed in-process (median of 3).
RAW_SQL = {
    "API construction summary": """
        SELECT c.id, latest.overall_percent
        FROM clusters_cluster c
        LEFT JOIN LATERAL (
            SELECT overall_percent FROM construction_progressreport r
            WHERE r.cluster_id = c.id AND r.status = 'accepted' AND r.report_date <= CURRENT_DATE
            ORDER BY report_date DESC, overall_percent DESC LIMIT 1
        ) latest ON true
    """,
    "API occupancy by cluster": """
        SELECT c.id, c.industrial_land_ha, COALESCE(SUM(p.land_ha), 0)
        FROM clusters_cluster c LEFT JOIN tenancy_tenantproject p ON p.cluster_id = c.id
            AND (p.lease_start <= CURRENT_DATE OR p.approval_date <= CURRENT_DATE)
            AND (p.lease_end IS NULL OR p.lease_end >= CURRENT_DATE)
            AND (p.ended_on IS NULL OR p.ended_on > CURRENT_DATE)
        GROUP BY c.id
    """,
    "API occupancy, whole country": """
        SELECT SUM(c.industrial_land_ha), (SELECT SUM(land_ha) FROM tenancy_tenantproject p
            WHERE (p.lease_start <= CURRENT_DATE OR p.approval_date <= CURRENT_DATE)
            AND (p.lease_end IS NULL OR p.lease_end >= CURRENT_DATE)
            AND (p.ended_on IS NULL OR p.ended_on > CURRENT_DATE))
        FROM clusters_cluster c WHERE c.industrial_land_ha > 0
    """,
    "API registry summary": "SELECT status, COUNT(*) FROM clusters_cluster GROUP BY status",
}


def _raw_ms(label: str) -> float | None:
    sql = RAW_SQL.get(label)
    if sql is None or connection.vendor != "postgresql":
        return None
    times = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(*, iterations: int, port: int, ten_x_url: str | None = None, only: str | None = None) -> list[Row]:
    if iterations < 1:
        raise BenchError(f"--iterations must be at least 1 (got {iterations}).")
    user = bench_user()
    cookie = _cookie(user)
    one = Server(port, os.environ.get("DATABASE_URL", ""))
    ten = None
    rows = []
    try:
        if ten_x_url:
            # the 10× database has its own sessions: sign in there through its own server's database
            ten = Server(port + 1, ten_x_url)
        ten_cookie = _ten_x_cookie(ten_x_url) if ten_x_url else None
        for label, url, kind in ENDPOINTS:
            if only and only.lower() not in label.lower() and kind != "floor":
                continue
            url = _fill(url)
            row = Row(label=label, kind=kind, url=url)
            rows.append(row)
            status, _ms, _queries, _size = one.get(url, cookie)
            if status != 200:
                row.error = f"HTTP {status}"
                continue
            for _ in range(WARM_UP - 1):
                one.get(url, cookie)
                if ten:
                    ten.get(url, ten_cookie)
            timings, timings_10x = [], []
            for _ in range(iterations):
                # the queries of a warm request: the first can do one-off work (e.g. the samples' kept verdicts)
                _status, ms, row.queries, _size = one.get(url, cookie)
                timings.append(ms)
                if ten:
                    timings_10x.append(ten.get(url, ten_cookie)[1])
            row.p50, row.p95 = statistics.median(timings), percentile(timings, 0.95)
            row.rps = 1000 * len(timings) / sum(timings)
            if timings_10x:
                row.p50_10x = statistics.median(timings_10x)
            row.raw_ms = _raw_ms(label)
    finally:
        one.stop()
        if ten:
            ten.stop()
    floor = next((r for r in rows if r.kind == "floor" and not r.error), None)
    for row in rows:
        if row.error:
            row.misses.append(row.error)
            continue
        if floor and row is not floor:
            row.floor_share = 100 * row.rps / floor.rps
        if row.kind in TARGET_P95 and row.p95 > TARGET_P95[row.kind]:
            row.misses.append(f"p95 > {TARGET_P95[row.kind]} ms")
        if row.floor_share is not None and row.kind in TARGET_FLOOR and row.floor_share < TARGET_FLOOR[row.kind]:
            row.misses.append(f"< {TARGET_FLOOR[row.kind]} % of floor")
        if row.raw_ms and row.kind in AGGREGATES and row.p50 > TARGET_RAW * row.raw_ms:
            row.misses.append(f"> {TARGET_RAW}× raw SQL")
        if row.p50_10x and row.kind in AGGREGATES and row.p50_10x > TARGET_SCALE * row.p50:
            row.misses.append(f"10×/1× > {TARGET_SCALE}")
    return rows


def _ten_x_cookie(url: str) -> str:
    """A session in the 10× database, made by a short child process pointed at it."""
    code = (
        "import django, os; django.setup();"
        "from icis.synthetic.bench import bench_user; from icis.synthetic.server_bench import _cookie;"
        "print(_cookie(bench_user()))"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(rows: list[Row], *, iterations: int, title: str = "", load: tuple[float, float] = (0, 0)) -> str:
    clusters = Cluster.objects.count()
    heading = title or f"{database()} through gunicorn — {clusters:,} clusters"
    lines = [
        f"### {heading}, {datetime.date.today().isoformat()}",
        "",
        f"- Database: {database()}; code {code_version()}; Python {sys.version.split()[0]}",
        f"- Machine: {_cpu()}; load average (1 min) {load[0]:.2f} before, {load[1]:.2f} after",
        f"- gunicorn, 2 sync workers, one client in sequence; {iterations} timed requests a row after "
        f"{WARM_UP} warm-up; ✗ marks a missed target",
        "",
        "| Request | Queries | p50 ms | p95 ms | % floor | × raw SQL | 10×/1× | Misses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        raw = f"{r.p50 / r.raw_ms:.1f}" if r.raw_ms else "—"
        scale = f"{r.p50_10x / r.p50:.1f}" if r.p50_10x and r.p50 else "—"
        misses = "✗ " + "; ".join(r.misses) if r.misses else ""
        lines.append(
            f"| {r.label} | {_num(r.queries)} | {_num(r.p50, 1)} | {_num(r.p95, 1)} | "
            f"{_num(r.floor_share)} | {raw} | {scale} | {misses} |"
        )
    return "\n".join(lines) + "\n"


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)
