"""Speed and memory of the tenant-list import on SYNTHETIC workbooks (generated here, marked synthetic in
their title row, tenant names and sheet name; never real firms).

    manage.py bench_imports                              # 5,000 and 50,000 rows: inspection, reading, cells
    manage.py bench_imports --rows 5000 50000 200000 --full --write

For each size it prints rows per second (of wall time and of this process's CPU time) and the peak memory
Python allocated (tracemalloc) for:
- "read + cells": inspect_upload, the streaming reader (icis/core/imports/fastxlsx.py) and every cell parsed
  and checked by its model field;
- "check" (--full): `imports.run(commit=False)` on a synthetic cluster: every row checked by the services'
  rules (one query per lookup per 500 rows, the land counted in memory), nothing written;
- "import" (--write): `imports.run(commit=True)`: the same, and the rows written in bulk with their history
  (icis/tenancy/bulk.py), then everything rolled back (nothing is kept).
The row limits are lifted for the run. The upload itself (its TenantImport row, saved with the file's bytes as the
upload page saves it, and read back as the job reads it) is made before each measured step and not counted:
what is measured is the job's work on it. The timing runs without tracemalloc; "resident growth" is the
process's resident high-water mark (Linux) above where the step started, which also sees memory Python's
allocator does not (SQLite's page cache, the database driver's buffers) but not memory the process already
held and reused.
"""

import contextlib
import gc
import io
import time
import tracemalloc
import zipfile
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from icis.tenancy import imports

SYNTHETIC_TITLE = "DỮ LIỆU GIẢ LẬP (SYNTHETIC) — không phải doanh nghiệp thật / not real firms"


def synthetic_workbook(rows: int) -> bytes:
    """A tenant list of `rows` synthetic rows, each on its own tax code, 0.0001 ha each (fits any cluster)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Synthetic")
    sheet.append([SYNTHETIC_TITLE])
    sheet.append([column.vi for column in imports.COLUMNS])
    for n in range(1, rows + 1):
        sheet.append(
            [
                f"Synthetic tenant {n:06d}",
                f"9{n:09d}",
                "không" if n % 5 else "có",
                "VN" if n % 5 else "Hàn Quốc",
                "C2592",
                f"Synthetic project {n:06d}",
                "0,0001" if n % 2 else Decimal("0.0001"),
                f"{n}/SYN",
                "15/03/2024",
                "01/04/2024",
                "31/03/2074",
                "Đang hoạt động",
                None,
                "1.200" if n % 3 == 0 else 45,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return _with_dimension(buffer.getvalue(), f"A1:N{rows + 2}")


def _with_dimension(content: bytes, ref: str) -> bytes:
    """Add the <dimension> Excel writes (openpyxl's write-only mode leaves it out, and a read-only reader
    then parses the whole sheet once more just to size it)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b"</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>'.encode(), 1)
            target.writestr(info.filename, data)
    return out.getvalue()


def read_and_parse(content: bytes) -> tuple[int, int]:
    """(rows, cell errors): the import's steps before the services, on the streaming reader."""
    kind = imports.inspect_upload("synthetic.xlsx", content)
    table = imports.read_table(kind, content, "synthetic.xlsx")
    outcome = imports.Outcome()
    state = imports._Run(cluster=None, actor=None, table=table, outcome=outcome, report=None)
    rows = 0
    for number, values in table.rows:
        state.parse(number, state.cells(values))
        rows += 1
    state.close()
    return rows, len(outcome.errors)


def _status_kb(field: str) -> int | None:
    """A figure of /proc/self/status in kB (Linux), or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_high_water() -> int | None:
    """Reset this process's resident-memory high-water mark (Linux: clear_refs 5) and return the resident size
    now in kB, or None where that cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return None
    return _status_kb("VmRSS")


def measure(fn, content: bytes, prepare=None):
    """(result, wall seconds, CPU seconds, peak bytes, resident growth bytes or None) of `fn(content)`, or of
    `fn(prepared)` inside `prepare(content)` (a context that makes what the step starts from, not measured):
    timed on its own, with the process's resident high-water mark above where it started (memory outside
    Python's allocator too: SQLite's pages, the database driver's buffers), then run again under tracemalloc
    (which slows Python down several times) for the peak Python allocated."""
    prepare = prepare or contextlib.nullcontext
    with prepare(content) as prepared:
        gc.collect()
        start = _reset_high_water()
        started, cpu = time.perf_counter(), time.process_time()
        result = fn(prepared)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        high = _status_kb("VmHWM") if start is not None else None
    resident = None if high is None else max(high - start, 0) * 1024
    with prepare(content) as prepared:
        gc.collect()
        tracemalloc.start()
        tracemalloc.reset_peak()
        fn(prepared)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, cpu, peak, resident


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def synthetic_upload(content: bytes):
    """A synthetic cluster and the upload of `content` (its TenantImport row, as the upload page saves it, read
    back as the job reads it), in a transaction that is rolled back afterwards."""
    from django.contrib.auth import get_user_model

    from icis.clusters import services as cluster_services
    from icis.geo.models import Province
    from icis.tenancy.models import TenantImport

    try:
        with transaction.atomic():
            actor = get_user_model().objects.create_superuser("bench-imports-synthetic", password=None, email="")
            cluster = cluster_services.cluster_create(
                data={
                    "code": "SYN-BENCH-IMPORTS",
                    "name": "Synthetic cluster (bench_imports)",
                    "province": Province.objects.order_by("code").first(),
                    "area_ha": Decimal("75"),
                    "industrial_land_ha": Decimal("60"),
                    "notes": "Synthetic: made by manage.py bench_imports and rolled back.",
                },
                actor=actor,
                status="operating",
                status_date=timezone.localdate(),
                reason="synthetic benchmark",
                is_synthetic=True,
            )
            record = TenantImport.objects.create(
                cluster=cluster,
                created_by=actor,
                filename="synthetic.xlsx",
                file_kind="xlsx",
                content=content,
                sha256=imports.content_digest(content),
                language="en",
            )
            yield TenantImport.objects.select_related("cluster", "created_by").get(pk=record.pk)
            raise _Rollback
    except _Rollback:
        pass


def full_check(record, commit: bool = False) -> tuple[int, int]:
    """(rows, errors) of the whole check (or import, `commit`) of a synthetic upload."""
    from icis.tenancy.models import TenantProject

    outcome = imports.run(record, commit=commit)
    if commit and not outcome.errors:
        assert TenantProject.objects.filter(cluster=record.cluster).count() == outcome.summary["projects"]
    return outcome.total_rows, len(outcome.errors)


def full_import(record) -> tuple[int, int]:
    return full_check(record, commit=True)


class Command(BaseCommand):
    help = "Rows per second and peak memory of the tenant-list import on synthetic workbooks."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[5000, 50000])
        parser.add_argument("--full", action="store_true", help="also run the whole check (nothing written)")
        parser.add_argument("--write", action="store_true", help="also import (bulk writes, rolled back)")

    def handle(self, *args, rows, full, write, **options):
        largest = max(rows)
        limits = {
            "ICIS_IMPORT_MAX_ROWS": max(settings.ICIS_IMPORT_MAX_ROWS, largest),
            "ICIS_IMPORT_MAX_BYTES": max(settings.ICIS_IMPORT_MAX_BYTES, 200 * largest),
            "ICIS_IMPORT_MAX_INFLATED_BYTES": max(settings.ICIS_IMPORT_MAX_INFLATED_BYTES, 2000 * largest),
        }
        self.stdout.write(
            "| stage | rows | file | wall s | rows/s (wall) | CPU s | rows/s (CPU) | peak memory | resident growth |"
        )
        self.stdout.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        with override_settings(**limits):
            for size in rows:
                content = synthetic_workbook(size)
                stages = [("read + cells", read_and_parse, None)]
                if full:
                    stages.append(("check (nothing written)", full_check, synthetic_upload))
                if write:
                    stages.append(("import (bulk writes, rolled back)", full_import, synthetic_upload))
                for name, fn, prepare in stages:
                    (count, errors), seconds, cpu, peak, resident = measure(fn, content, prepare)
                    if errors:
                        self.stderr.write(f"{name}: {errors} errors on synthetic rows")
                    self.stdout.write(
                        f"| {name} | {count:,} | {len(content) / 1e6:.1f} MB | {seconds:.1f} | "
                        f"{count / seconds:,.0f} | {cpu:.1f} | {count / max(cpu, 1e-9):,.0f} | {peak / 1e6:.1f} MB | "
                        f"{'n/a' if resident is None else f'{resident / 1e6:.1f} MB'} |"
                    )
                    self.stdout.flush()
