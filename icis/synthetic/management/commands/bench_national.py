import os
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from icis.clusters.models import Cluster
from icis.synthetic import server_bench
from icis.synthetic.bench import BenchError, percentile

FORM04_TARGETS = {"province": 2000, "nationwide": 5000}


def form04_rows(iterations: int) -> list[server_bench.Row]:
    """Form 04's figures for one synthetic province and for the whole country, computed in-process.

    The product's Form 04 (a province, or the whole country) counts real clusters only, never synthetic
    ones (`reporting.selectors.report_clusters`), so the benchmark times its computation (`_compute`) directly.
    """
    from icis.reporting.selectors import _compute
    from icis.tenancy import periods

    period = periods.latest_closed(timezone.localdate())  # the period the Form 04 page opens on
    synthetic = Cluster.objects.filter(is_synthetic=True)
    province = synthetic.values_list("province_id", flat=True).order_by("province_id").first()
    rows = []
    for scope, clusters in (("province", synthetic.filter(province_id=province)), ("nationwide", synthetic)):
        label = f"Form 04 figures, {'one province' if scope == 'province' else 'whole country'} (in-process)"
        timings = []
        for _ in range(max(iterations // 4, 2)):
            started = time.perf_counter()
            _compute(form="04", period=period, clusters=clusters)
            timings.append((time.perf_counter() - started) * 1000)
        row = server_bench.Row(label=label, kind=f"form04-{scope}", url="")
        row.p50, row.p95 = statistics.median(timings), percentile(timings, 0.95)
        if row.p95 > FORM04_TARGETS[scope]:
            row.misses.append(f"p95 > {FORM04_TARGETS[scope]} ms")
        rows.append(row)
    return rows


class Command(BaseCommand):
    help = (
        "The national benchmark: every main page and endpoint through gunicorn against DATABASE_URL (and, with "
        "--ten-x-url, against the 10× database side by side), one Markdown table. "
        "Run with --settings=config.settings.bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=20, help="timed requests per URL, default %(default)s")
        parser.add_argument("--port", type=int, default=8700, help="gunicorn's port (the 10× one: +1)")
        parser.add_argument("--ten-x-url", help="DATABASE_URL of the 10× data set, measured beside the 1×")
        parser.add_argument("--only", help="measure only the rows whose label contains this")
        parser.add_argument("--title", default="", help="heading for this run")
        parser.add_argument("--output", help="Markdown file to append the table to")

    def handle(self, *args, **options):
        load_before = os.getloadavg()[0]
        try:
            rows = server_bench.run(
                iterations=options["iterations"],
                port=options["port"],
                ten_x_url=options["ten_x_url"],
                only=options["only"],
            )
        except BenchError as error:
            raise CommandError(str(error)) from None
        if not options["only"] or "form 04" in options["only"].lower():
            rows += form04_rows(options["iterations"])
        text = server_bench.table(
            rows, iterations=options["iterations"], title=options["title"], load=(load_before, os.getloadavg()[0])
        )
        self.stdout.write(text)
        if options["output"]:
            server_bench.append(Path(options["output"]), text)
            self.stdout.write(f"Appended to {options['output']}.")
