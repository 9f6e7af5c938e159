"""Speed and memory of the registry import on a SYNTHETIC workbook (generated here from a real province's
communes; every cluster, document and plan in it is invented and says so).

    manage.py bench_registry_import                       # 5,000 clusters of province 12 (Lai Châu)
    manage.py bench_registry_import --clusters 5000 --commit  # also import it (bulk writer), rolled back
    manage.py bench_registry_import --clusters 50000          # memory flat in the file's size?

Prints, for the workbook's rows (all sheets): rows per second (wall clock, and of this process's CPU time: on a
shared machine the wall clock measures the queue) and the peak memory Python allocated
(tracemalloc) for the check (reading every sheet, every cell parsed, every row checked against lookups
loaded once), and with --commit for the whole import (new records in bulk, icis/registry_io/bulk.py; with
--per-row every row through the services), rolled back at the end unless --keep (never keep it in a database
whose figures are presented as real). The timing runs without tracemalloc; the import is run once (its peak
memory is measured with --import-memory, a second run). The upload limits (ICIS_IMPORT_MAX_ROWS, and
ICIS_IMPORT_MAX_INFLATED_BYTES) are lifted for the synthetic workbook, which exceeds them above ~15,000 clusters.
"""

import time
import tracemalloc

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from icis.core.imports.inspection import inspect_upload
from icis.geo.models import Commune, Province
from icis.registry_io import imports
from icis.registry_io.synthetic import synthetic_registry


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark the registry import on a synthetic workbook (rows/s, peak memory)."

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=5000)
        parser.add_argument("--province", default="12")
        parser.add_argument("--commit", action="store_true", help="also import it (rolled back unless --keep)")
        parser.add_argument("--keep", action="store_true")
        parser.add_argument("--per-row", action="store_true", help="import every row through the services")
        parser.add_argument("--import-memory", action="store_true", help="also measure the import's peak memory")

    def handle(self, *args, clusters, province, commit, keep, per_row, import_memory, **options):
        self.bulk = not per_row
        lifted = {  # a synthetic workbook above ~15,000 clusters exceeds the upload limits (rows, inflated bytes)
            "ICIS_IMPORT_MAX_ROWS": max(settings.ICIS_IMPORT_MAX_ROWS, clusters * 10),
            "ICIS_IMPORT_MAX_INFLATED_BYTES": max(settings.ICIS_IMPORT_MAX_INFLATED_BYTES, clusters * 4000),
        }
        with override_settings(**lifted):
            self.bench(clusters, province, commit, keep, import_memory)

    def bench(self, clusters, province, commit, keep, import_memory):
        place = Province.objects.filter(code=province).first()
        if place is None:
            raise CommandError(f"Province {province} is not loaded (run migrate).")
        communes = list(Commune.objects.filter(province=place).order_by("code").values_list("code", "name"))
        started = time.perf_counter()
        data, _facts = synthetic_registry(province, communes, n=clusters)
        self.stdout.write(
            f"synthetic workbook: {clusters} clusters, {len(data) / 1e6:.1f} MB, "
            f"built in {time.perf_counter() - started:.1f} s"
        )
        inspect_upload("synthetic.xlsx", data)
        actor, _created = get_user_model().objects.get_or_create(
            username="bench-registry-import", defaults={"is_superuser": True, "is_active": True}
        )
        self._measure("check", data, place, actor, commit=False)
        if commit:
            self._measure("import", data, place, actor, commit=True, keep=keep, memory=import_memory and not keep)

    def _run(self, data, place, actor, *, commit, keep=False):
        try:
            with transaction.atomic():
                check = imports.run(
                    data, province=place, actor=actor, commit=commit, confirmed=True, synthetic=True, bulk=self.bulk
                )
                if not keep:
                    raise Rollback
        except Rollback:
            pass
        return check

    def _measure(self, label, data, place, actor, *, commit, keep=False, memory=True):
        from icis.core.imports import fastxlsx  # noqa: F401  (imported once, not timed)

        started, cpu = time.perf_counter(), time.process_time()
        check = self._run(data, place, actor, commit=commit, keep=keep)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = check.outcome.total_rows
        peak = None
        if memory:
            tracemalloc.start()
            self._run(data, place, actor, commit=commit, keep=False)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        errors = len(check.outcome.errors)
        timings = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in check.timings.items())
        self.stdout.write(
            f"{label}: {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s; CPU {cpu:.2f} s = "
            f"{rows / cpu:,.0f} rows/s of CPU ({timings}); "
            f"peak memory {f'{peak / 1e6:.1f} MB' if peak is not None else 'not measured'}; errors {errors}"
        )
        if commit:
            made = check.outcome.summary["clusters"]["new"]
            self.stdout.write(f"  {made} clusters written: {made / elapsed:,.0f} clusters/s (wall)")
        if errors:
            self.stdout.write(f"  first error: {check.outcome.errors[0]}")
