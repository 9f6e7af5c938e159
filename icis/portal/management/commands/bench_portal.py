"""Time the public portal's list and map data against the current database (the national synthetic
registry: `generate_national_dataset` or `generate_synthetic_registry`), anonymous, in-process through the
whole Django stack, and print a Markdown table (p50, p95, max).

`--publish` first publishes every synthetic established cluster not yet published (all field groups;
only rows marked synthetic are touched). Each URL is timed three ways: "cold" (the portal's 60-second
cache emptied before each request: the work a request does when the cache has expired), "warm" (served
from that cache), and "304" (the client sends back the ETag it got)."""

import gc
import os
import statistics
import time
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icis.clusters.models import Cluster
from icis.portal import selectors, services
from icis.portal.choices import FieldGroup
from icis.portal.models import Publication

URLS = [
    ("page: list", "/portal/"),
    ("page: list, ≥ 5 ha vacant", "/portal/?min_vacant_ha=5"),
    ("page: list, English", "/en/portal/"),
    ("API: list (50 a page)", "/api/public/v1/clusters/"),
    ("API: list, search", "/api/public/v1/clusters/?q=cum&min_vacant_ha=1"),
    ("API: map data (GeoJSON, all)", "/api/public/v1/clusters/geojson/"),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


class Command(BaseCommand):
    help = "Time the public portal's list and map data (p50/p95/max); --publish publishes the synthetic clusters."

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=40)
        parser.add_argument("--publish", action="store_true", help="publish every synthetic established cluster first")
        parser.add_argument("--output", help="Markdown file to append the table to")
        parser.add_argument("--title", default="")

    def handle(self, *args, iterations=40, publish=False, output=None, title="", **options):
        if publish:
            self.stdout.write(f"published {self.publish_synthetic()} synthetic clusters")
        published = Publication.objects.filter(is_published=True).count()
        if not published:
            raise CommandError("No published cluster: run with --publish on a synthetic registry.")
        client = Client()
        rows = []
        for label, url in URLS:
            for mode in ("cold", "warm", "304"):
                timings, queries, size = [], 0, 0
                etag = client.get(url).get("ETag", "")
                for _ in range(3):
                    client.get(url)
                for _ in range(iterations):
                    if mode == "cold":
                        cache.clear()
                    headers = {"HTTP_IF_NONE_MATCH": etag} if mode == "304" else {}
                    with CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        response = client.get(url, **headers)
                        timings.append((time.perf_counter() - start) * 1000)
                    queries, size = len(captured), len(response.content)
                    expected = 304 if mode == "304" else 200
                    if response.status_code != expected:
                        raise CommandError(f"{url} ({mode}): {response.status_code}")
                rows.append(
                    (label, mode, statistics.median(timings), percentile(timings, 0.95), max(timings), queries, size)
                )
        table = self.report(rows, published, iterations, title)
        self.stdout.write(table)
        if output:
            path = Path(output)
            existing = path.read_text(encoding="utf-8") if path.exists() else "# ICIS benchmark results\n"
            path.write_text(existing.rstrip("\n") + "\n\n" + table, encoding="utf-8")
            self.stdout.write(f"Appended to {path}.")

    @transaction.atomic
    def publish_synthetic(self) -> int:
        clusters = list(
            Cluster.objects.filter(is_synthetic=True, status__in=selectors.OPEN_TO_INVESTORS)
            .exclude(publication__isnull=False)
            .order_by("pk")
        )
        summaries = selectors.readiness_by_cluster([c.pk for c in clusters])
        now, today = timezone.now(), timezone.localdate()
        Publication.objects.bulk_create(
            [
                Publication(
                    cluster=c,
                    is_published=True,
                    field_groups=list(FieldGroup.values),
                    published_at=now,
                    readiness=summaries[c.pk],
                    readiness_as_of=today,
                )
                for c in clusters
            ],
            batch_size=500,
        )
        services.land_refresh(cluster_ids=[c.pk for c in clusters], day=today)
        selectors.bump_generation()
        return len(clusters)

    def report(self, rows, published, iterations, title) -> str:
        vendor = connection.vendor
        version = connection.Database.sqlite_version if vendor == "sqlite" else connection.pg_version
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        lines = [
            f"### Public portal — {title or vendor} {version}, {published:,} published clusters, "
            f"{timezone.localdate():%Y-%m-%d}",
            "",
            f"Anonymous `django.test.Client`, {iterations} timed requests each after 3 warm-ups; load average {load}; "
            f"gc {'enabled' if gc.isenabled() else 'disabled'}. cold: the portal cache emptied before each request; "
            "warm: from the 60-second cache; 304: If-None-Match with the current ETag.",
            "",
            "| URL | mode | p50 ms | p95 ms | max ms | queries | bytes |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label, mode, p50, p95, worst, queries, size in rows:
            lines.append(f"| {label} | {mode} | {p50:.1f} | {p95:.1f} | {worst:.1f} | {queries} | {size:,} |")
        return "\n".join(lines) + "\n"
