"""Tenant lists from spreadsheets (.xlsx, .csv): upload → check → preview → import.

1. `inspect_upload` refuses hostile or unreadable files before any parser sees them: size, magic
   bytes, zip structure (entry count, inflated size, compression ratio), macros and ActiveX,
   encrypted or OLE files, external links and data connections, DTDs in any XML part; for CSV the
   encoding and the number of lines.
2. `read_table` finds the header row (Vietnamese or English headers) and returns the rows as Excel
   numbers them.
3. `run` checks every row by the rules of the services (`tenant_create`, `project_create`) without a query
   per row: the cells by their model fields, `full_clean` without its queries, tenants and the cluster's
   projects loaded 500 rows at a time and once, the industrial land counted in memory over the file and
   the projects in ICIS with the cluster's row locked once. It collects every error by sheet, row and
   column instead of stopping at the first. A check (preview) writes nothing; an import writes the rows in
   batches with their history (icis/tenancy/bulk.py) inside one transaction, kept only if every row passed.
4. `start` runs `process` as a background job (`icis/core/jobs.py`; in the request when
   `ICIS_JOBS_SYNC`); progress, outcome and a failed run's one reason are in the database, so any app
   server shows them. A lost database connection stops the run with one error, not one per row.

See docs/tenant-import.md.
"""

import csv  # noqa: F401  (the kit reads CSV; tests patch csv.reader through here)
import datetime
import hashlib
import itertools
import logging
import re
import sqlite3
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster
from icis.core import channel, formats, jobs, lifecycle
from icis.core.audit import acting
from icis.core.imports import bulk as shared_bulk
from icis.core.imports import reading
from icis.core.imports.cells import CellError, is_number, parse_date, parse_decimal, parse_whole  # noqa: F401
from icis.core.imports.cells import blank as _blank
from icis.core.imports.cells import parse_yes_no as _parse_yes_no
from icis.core.imports.cells import text as _text
from icis.core.imports.inspection import OLE_MAGIC, UploadRefused, _megabytes, inspect_upload  # noqa: F401
from icis.core.imports.marked import can_mark, marked_workbook  # noqa: F401
from icis.core.imports.problems import MAX_PROBLEMS as MAX_ERRORS
from icis.core.imports.problems import Outcome, describe, problem_at  # noqa: F401
from icis.core.imports.reading import Column, FileProblem, Table, column_letter, header_key  # noqa: F401
from icis.core.imports.spill import DiskKeys
from icis.core.models import Job
from icis.core.text import fold

from . import bulk, services
from .choices import ProjectStatus
from .models import IMPORT_LIFECYCLE, Tenant, TenantImport, TenantProject

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 200
PROGRESS_EVERY = 50  # rows (the job's heartbeat thread writes the figure; this only sets it)
BATCH_ROWS = 500  # rows read ahead to load their tenants in one query, then written together; memory stays flat


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


COLUMNS = (
    Column(
        "tenant_name",
        "Tên doanh nghiệp",
        "Tenant name",
        (
            "ten doanh nghiep",
            "ten nha dau tu",
            "nha dau tu thu cap",
            "doanh nghiep",
            "ten cong ty",
            "ten",
            "tenant",
            "company",
            "company name",
            "name",
        ),
        True,
        "Ví dụ: Công ty TNHH Cơ khí Minh Anh",
    ),
    Column(
        "tax_code",
        "Mã số thuế",
        "Tax code",
        ("mst", "ma so thue", "ma so doanh nghiep", "tax code", "tax id"),
        True,
        "0101234567",
    ),
    Column(
        "is_fdi",
        "FDI (có/không)",
        "FDI (yes/no)",
        ("fdi", "von fdi", "doanh nghiep fdi", "co von dau tu nuoc ngoai", "foreign invested"),
        False,
        "không",
    ),
    Column("country", "Quốc gia", "Country", ("quoc gia", "nuoc", "quoc tich", "country"), False, "VN"),
    Column(
        "sector",
        "Ngành (mã VSIC)",
        "Sector (VSIC)",
        ("nganh", "ma nganh", "nganh vsic", "ma vsic", "nganh nghe", "vsic", "sector"),
        False,
        "C2592",
    ),
    Column(
        "project_name",
        "Tên dự án",
        "Project name",
        ("ten du an", "du an", "project", "project name"),
        False,
        "Nhà xưởng gia công cơ khí",
    ),
    Column(
        "land_ha",
        "Diện tích đất (ha)",
        "Land (ha)",
        (
            "dien tich dat",
            "dien tich",
            "dien tich dat cong nghiep",
            "dat cong nghiep",
            "dien tich thue",
            "land",
            "land area",
            "area",
            "industrial land",
        ),
        True,
        Decimal("1.25"),
    ),
    Column(
        "approval_number",
        "Số GCN đầu tư / văn bản chấp thuận",
        "Approval number",
        (
            "so gcn",
            "so gcn dau tu",
            "so giay chung nhan",
            "so giay chung nhan dau tu",
            "so quyet dinh",
            "so van ban chap thuan",
            "so chap thuan",
            "approval number",
            "certificate number",
            "approval",
        ),
        False,
        "1234/QĐ-UBND",
    ),
    Column(
        "approval_date",
        "Ngày cấp",
        "Approval date",
        ("ngay cap", "ngay chap thuan", "ngay cap gcn", "ngay quyet dinh", "approval date", "certificate date"),
        False,
        datetime.date(2024, 3, 15),
    ),
    Column(
        "lease_start",
        "Ngày bắt đầu thuê",
        "Lease start",
        ("ngay bat dau thue", "bat dau thue", "ngay thue dat", "lease start", "lease start date"),
        False,
        datetime.date(2024, 4, 1),
    ),
    Column(
        "lease_end",
        "Ngày kết thúc thuê",
        "Lease end",
        ("ngay ket thuc thue", "ket thuc thue", "ngay het han thue", "het han thue", "lease end", "lease end date"),
        False,
        datetime.date(2074, 3, 31),
    ),
    Column(
        "status",
        "Tình trạng",
        "Status",
        ("tinh trang", "trang thai", "tinh trang hoat dong", "status"),
        False,
        "Đang xây dựng",
    ),
    Column("ended_on", "Ngày rời cụm", "Left on", ("ngay roi cum", "roi cum", "left on", "ended on"), False, None),
    Column("employees", "Số lao động", "Employees", ("so lao dong", "lao dong", "employees", "workers"), False, 45),
)
SCHEMA = reading.Schema(COLUMNS, identifying=("tenant_name", "tax_code"))
COLUMN_BY_KEY = SCHEMA.by_key
HEADER_KEYS = SCHEMA.header_keys

DATE_COLUMNS = ("approval_date", "lease_start", "lease_end", "ended_on")
# The model field each column fills, per model.
TENANT_FIELDS = {
    "tenant_name": "name",
    "tax_code": "tax_code",
    "is_fdi": "is_fdi",
    "country": "country",
    "sector": "sector",
}
PROJECT_FIELDS = {
    "project_name": "name",
    "land_ha": "land_ha",
    "approval_number": "approval_number",
    "approval_date": "approval_date",
    "lease_start": "lease_start",
    "lease_end": "lease_end",
    "status": "status",
    "ended_on": "ended_on",
    "employees": "employees",
}
# Where a service's error about a model field is reported when that field's own column is absent.
FALLBACK_COLUMNS = {"ended_on": ("status",), "lease_start": ("approval_date", "lease_end"), "tenant": ("tax_code",)}
# The cells a service's error about a model field depends on: when one of them could not be read, the
# error may only be an echo of that, so it is left out.
DEPENDS_ON = {
    "lease_start": ("lease_start", "approval_date"),
    "lease_end": ("lease_start", "lease_end"),
    "ended_on": ("status", "ended_on"),
    "tenant": ("tax_code",),
    "name": ("tenant_name", "project_name"),
    "approval_number": ("approval_number", "project_name"),
}

STATUS_LABELS = {
    ProjectStatus.REGISTERED: ("Đã đăng ký", "Registered"),
    ProjectStatus.BUILDING: ("Đang xây dựng", "Building"),
    ProjectStatus.OPERATING: ("Đang hoạt động", "Operating"),
    ProjectStatus.STOPPED: ("Ngừng hoạt động", "Stopped"),
    ProjectStatus.LEFT: ("Đã rời cụm", "Left the cluster"),
}
STATUS_WORDS = {
    ProjectStatus.REGISTERED: ("dang ky", "moi dang ky", "da cap phep"),
    ProjectStatus.BUILDING: ("xay dung", "dang trien khai", "dang xay dung nha xuong", "under construction"),
    ProjectStatus.OPERATING: ("hoat dong", "da hoat dong", "dang san xuat", "in operation"),
    ProjectStatus.STOPPED: ("tam ngung", "tam dung", "dung hoat dong", "da ngung", "ngung san xuat", "stopped"),
    ProjectStatus.LEFT: ("roi cum", "da roi", "left", "da chuyen di"),
}
COUNTRY_NAMES = {
    "viet nam": "VN",
    "vietnam": "VN",
    "han quoc": "KR",
    "korea": "KR",
    "south korea": "KR",
    "nhat ban": "JP",
    "japan": "JP",
    "trung quoc": "CN",
    "china": "CN",
    "dai loan": "TW",
    "taiwan": "TW",
    "singapore": "SG",
    "hong kong": "HK",
    "hoa ky": "US",
    "my": "US",
    "usa": "US",
    "united states": "US",
    "thai lan": "TH",
    "thailand": "TH",
    "malaysia": "MY",
    "duc": "DE",
    "germany": "DE",
    "phap": "FR",
    "france": "FR",
    "anh": "GB",
    "united kingdom": "GB",
    "an do": "IN",
    "india": "IN",
}
EXAMPLE_PREFIXES = ("vi du", "example")
TOTAL_WORDS = {"tong", "tong cong", "cong", "total", "sum"}


def status_label(value: str, language: str | None = None) -> str:
    vi, en = STATUS_LABELS.get(value, (value, value))
    return en if (language or translation.get_language() or "vi").startswith("en") else vi


def column_header(column: Column, language: str | None = None) -> str:
    return column.en if (language or translation.get_language() or "vi").startswith("en") else column.vi


def _status_lookup() -> dict[str, str]:
    lookup = {}
    for value, words in STATUS_WORDS.items():
        names = (value, *STATUS_LABELS[value], str(ProjectStatus(value).label), *words)
        for name in names:
            lookup.setdefault(header_key(name), value)
    return lookup


# --- 1. refusing hostile files: icis/core/imports/inspection.py (`inspect_upload`) ------------------------------
# --- 2. reading the table ------------------------------------------------------------------------------------


def read_table(kind: str, data: bytes, filename: str = "") -> Table:
    """The header and the rows (read lazily) of the first sheet with a tenant list's header."""
    return reading.read_table(kind, data, filename, schema=SCHEMA)


# --- cell values (icis/core/imports/cells.py, and the tenant list's own) -------------------------------------

_is_number = is_number


def parse_yes_no(value) -> bool:
    return _parse_yes_no(value, yes={"fdi"}, no={"trong nuoc", "domestic"})


def parse_tax_code(value) -> str:
    text = _text(value).replace(" ", "")
    if text and not re.fullmatch(r"\d{10}(-\d{3})?", text):
        message = _("'%(value)s' is not a tax code: 10 digits, or 10 digits-3 digits for a branch.") % {"value": text}
        if _is_number(value) and len(text) < 10:
            message += " " + _(
                "The cell holds a number, so a leading zero may have been dropped: format the column "
                "as Text and type the code again."
            )
        raise CellError(message)
    return text


def parse_country(value) -> str:
    text = _text(value)
    return COUNTRY_NAMES.get(header_key(text), text.upper())


def parse_status(value, lookup) -> str:
    if _blank(value):
        return ProjectStatus.REGISTERED
    found = lookup.get(header_key(_text(value)))
    if found is None:
        labels = ", ".join(f"{vi} / {en}" for vi, en in STATUS_LABELS.values())
        raise CellError(
            _("'%(value)s' is not a project status: use one of %(labels)s.") % {"value": _text(value), "labels": labels}
        )
    return found


# --- 3. checking the rows by the services' rules, writing them in bulk ----------------------------------------------


_DEFAULT = object()  # a cell that leaves the model's default
MEMO_SIZE = 20_000  # distinct repeated cells remembered, at most: memory stays flat
UNIQUE_CELLS = {"tenant_name", "tax_code", "project_name", "approval_number"}  # rarely repeat: not remembered


# What the run remembers of a tax code across the rows (`_Run.codes`, on disk): a list of facts by these indexes.
CODE_FACTS = ("first_row", "first_name", "bits", "new_name", "pk")
FIRST_ROW, FIRST_NAME, BITS, NEW_NAME, PK = range(len(CODE_FACTS))
# The first row (0: no name given yet) and name the tax code was given with; its BITS; the name a new tenant is
# created with when it is not the first name ("": the same); once written, the new tenant's pk (0: not yet).
NEW = 1  # a tenant new to ICIS, kept in a row above (`tenant_create` would have created it there)
FDI = 2  # that new tenant's FDI flag
EXISTING = 4  # a tenant in ICIS, used by a row kept above (counted once)


class _Known:
    """A tenant the run knows by its tax code, for the rows of one batch: in ICIS already (pk), or new in this
    file (written with the batch of its first kept row; `obj` until then). Rebuilt for each batch from the
    database and from what `_Run.codes` keeps, so no object outlives its batch."""

    __slots__ = ("pk", "name", "is_fdi", "new", "visible", "obj")

    def __init__(self, pk, name, is_fdi, *, new=False, visible=None, obj=None):
        self.pk, self.name, self.is_fdi, self.new, self.visible, self.obj = pk, name, is_fdi, new, visible, obj


class _Run:
    """Checks every row by the services' rules without a query per row, and keeps the rows to write in batches.

    A row is checked against what the services would find: tenants and the cluster's projects in ICIS (loaded
    500 rows at a time and once), the rows kept above it in the file (counted in memory), and the cluster's
    industrial land (its row locked once by `run`). An import (`commit`) writes the kept rows in batches while no
    row has failed (icis/tenancy/bulk.py); once one has, nothing more is written and the transaction is undone."""

    def __init__(self, *, cluster: Cluster, actor, table: Table, outcome: Outcome, report, commit=False, taken=None):
        self.cluster, self.actor, self.table, self.outcome, self.report = cluster, actor, table, outcome, report
        self.commit = commit
        self.status_lookup = _status_lookup()
        self.parsers = {
            "tax_code": parse_tax_code,
            "is_fdi": parse_yes_no,
            "country": parse_country,
            "sector": lambda v: _text(v).upper().replace(" ", ""),
            "land_ha": parse_decimal,
            "employees": parse_whole,
            "status": lambda v: parse_status(v, self.status_lookup),
            **{key: parse_date for key in DATE_COLUMNS},
        }
        self.model_fields = {
            key: (Tenant, TENANT_FIELDS, Tenant._meta.get_field(TENANT_FIELDS[key]))
            if key in TENANT_FIELDS
            else (TenantProject, PROJECT_FIELDS, TenantProject._meta.get_field(PROJECT_FIELDS[key]))
            for key in COLUMN_BY_KEY
        }
        # Cells that repeat (statuses, countries, dates...) are read and cleaned once: (key, type, value) → value.
        self.memo: dict[tuple, object] = {}
        # What the rows below must know of the rows above, on disk (icis/core/imports/spill.py), so memory stays
        # flat in the file's size: every tax code met (CODE_FACTS), and the cluster's projects by key with their
        # land (`projects`). Each batch's keys are read at once (`prefetch`) and written back after it.
        self.codes = DiskKeys(*CODE_FACTS)
        self.project_keys: DiskKeys | None = None
        self.new_tenants = 0
        self.existing_tenants = 0
        self.land = Decimal(0)
        self.taken = taken  # land held by the cluster's active projects, those in ICIS and those kept above
        self.projects = 0
        self.skipped = 0
        # Lookups loaded in bulk rather than one query per row (issue 16): the tenants of a batch of rows by
        # tax code, at once (`tenants`, for that batch only); the cluster's registered projects, once, into
        # `project_keys` (key text → [land in 1/10,000 ha]), to which the rows kept are added.
        self.tenants: dict[str, _Known | None] = {}
        self.pending_tenants: list[Tenant] = []
        self.pending_projects: list[TenantProject] = []

    def close(self) -> None:
        """Delete the keys kept on disk."""
        self.codes.close()
        if self.project_keys is not None:
            self.project_keys.close()

    def code_facts(self, tax_code: str) -> list:
        """The facts kept of a tax code (empty ones when new): change them, then `codes.put` them."""
        facts = self.codes.get(tax_code)
        return [0, "", 0, "", 0] if facts is None else facts

    def first_named(self, tax_code: str) -> tuple[int, str] | None:
        """(row, name) the tax code was first given with in the file, if any."""
        facts = self.codes.get(tax_code)
        if facts is None or not facts[FIRST_ROW]:
            return None
        return facts[FIRST_ROW], facts[FIRST_NAME]

    def name_first(self, tax_code: str, number: int, name: str) -> None:
        facts = self.code_facts(tax_code)
        if not facts[FIRST_ROW]:
            facts[FIRST_ROW], facts[FIRST_NAME] = number, name
            self.codes.put(tax_code, facts)

    def new_known(self, tax_code: str) -> "_Known | None":
        """The tenant a row above kept as new, as `_Known` (None when no row did)."""
        facts = self.codes.get(tax_code)
        if facts is None or not facts[BITS] & NEW:
            return None
        return _Known(facts[PK] or None, facts[NEW_NAME] or facts[FIRST_NAME], bool(facts[BITS] & FDI), new=True)

    def prefetch(self, batch: list[tuple[int, list]]) -> None:
        """Load the tenants of a batch of rows, and whether the importing user may see them, in two queries.
        Those of the batch before are forgotten (the new ones are known from `codes`)."""
        self.tenants = {}
        wanted = set()
        codes, keys = [], []
        for _number, values in batch:
            raw = self.cells(values)
            code = _text(raw.get("tax_code")).replace(" ", "")
            if code:
                codes.append(code)
                keys.append(self.project_key(code, _text(raw.get("approval_number")), _text(raw.get("project_name"))))
        # The facts kept of the batch's tax codes and project keys, read from disk at once (what a row cleans
        # differently from these raw texts is read on its own when asked); those of the batch before written.
        for store, wanted_keys in ((self.codes, codes), (self.project_store(), keys)):
            store.flush()
            store.load(wanted_keys)
        for code in codes:
            if code not in self.tenants:
                known = self.new_known(code)
                if known is not None:
                    self.tenants[code] = known
                else:
                    wanted.add(code)
        if not wanted:
            return
        found = {
            code: _Known(pk, name, is_fdi)
            for pk, code, name, is_fdi in Tenant.objects.filter(tax_code__in=wanted).values_list(
                "pk", "tax_code", "name", "is_fdi"
            )
        }
        if found and self.actor is not None:
            seen = set(
                Tenant.objects.restrict(self.actor)
                .filter(pk__in=[k.pk for k in found.values()])
                .values_list("pk", flat=True)
            )
            for known in found.values():
                known.visible = known.pk in seen
        for code in wanted:
            self.tenants[code] = found.get(code)

    def tenant_for(self, tax_code: str) -> "_Known | None":
        if tax_code not in self.tenants:  # only when a row was not prefetched
            known = self.new_known(tax_code)
            if known is None:
                row = Tenant.objects.filter(tax_code=tax_code).values_list("pk", "name", "is_fdi").first()
                known = _Known(*row) if row else None
            self.tenants[tax_code] = known
        return self.tenants[tax_code]

    @staticmethod
    def project_key(tax_code: str, approval_number: str, name: str) -> str:
        """One text per project key: the approval number, or the project's name when there is none. The tax
        code (no separator in it) comes first and the marker says which follows, so distinct keys never meet."""
        return f"{tax_code}\x1fa{approval_number}" if approval_number else f"{tax_code}\x1fn{name}"

    def project_store(self) -> DiskKeys:
        """The project keys of the cluster's registered projects (loaded once) and of the rows kept above."""
        if self.project_keys is None:
            self.project_keys = DiskKeys("land")
            rows = (
                TenantProject.objects.filter(cluster=self.cluster)
                .exclude(status=ProjectStatus.LEFT)
                .values_list("tenant__tax_code", "approval_number", "name", "land_ha")
                .order_by("pk")
                .iterator(chunk_size=2000)
            )
            self.project_keys.add_many(  # the first land given for a key is kept, as before
                (self.project_key(tax_code, approval_number, name), _land_units(land))
                for tax_code, approval_number, name, land in rows
            )
        return self.project_keys

    def registered_land(self, key: str) -> Decimal | None:
        """The land of the project with this key in ICIS or kept above, or None."""
        facts = self.project_store().get(key)
        return None if facts is None else Decimal(facts[0]).scaleb(-4)

    def register(self, key: str, land: Decimal) -> None:
        """Remember a project's key and land (the first one given for a key, as before)."""
        projects = self.project_store()
        if projects.get(key) is None:
            projects.put(key, [_land_units(land)])

    # Errors ----------------------------------------------------------------------------------------------
    def problem(self, row: int | None, key: str | None, message: str, *, warning=False) -> None:
        letter, header = self.table.place(key)
        self.outcome.add(problem_at(self.table.sheet, row, message, letter, header), warning=warning, limit=MAX_ERRORS)

    def service_errors(self, row: int, error: ValidationError, fields: dict, raw: dict, failed: set) -> None:
        by_field = {model_field: key for key, model_field in fields.items()}
        items = error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
        for model_field, messages in items:
            key = by_field.get(model_field)
            if model_field in DEPENDS_ON:
                depends = set(DEPENDS_ON[model_field])
            elif key:
                depends = {key}
            else:
                depends = failed  # a whole-row error: trusted only when every cell could be read
            if failed & depends:
                continue
            if key is None or key not in self.table.columns:
                key = next((k for k in FALLBACK_COLUMNS.get(model_field, ()) if k in self.table.columns), key)
            for message in messages:
                value = _text(raw.get(key)) if key else ""
                shown = message if not value or value in message else f"'{value}': {message}"
                self.problem(row, key, shown)

    # Rows -------------------------------------------------------------------------------------------------
    def cells(self, values: list) -> dict:
        return {
            key: (values[index] if index < len(values) else None)
            for key, (_letter, _header, index) in self.table.columns.items()
        }

    def parse(self, number: int, raw: dict) -> tuple[dict, dict, set]:
        """The row's values for Tenant and TenantProject, each cell checked by its model field, and the
        columns whose cells could not be read (their errors recorded)."""
        tenant, project, failed = {}, {}, set()
        parsers = self.parsers
        memo = self.memo
        for key in self.table.columns:
            value = raw[key]
            model, fields, field = self.model_fields[key]
            target = tenant if model is Tenant else project
            remembered = (key, type(value), value)
            if remembered in memo:
                cleaned = memo[remembered]
                if cleaned is not _DEFAULT:
                    target[fields[key]] = cleaned
                continue
            column = COLUMN_BY_KEY[key]
            try:
                if column.required and _blank(value):
                    raise CellError(_("This cell is required."))
                parsed = parsers.get(key, _text)(value)
                if key == "country" and not parsed:
                    cleaned = _DEFAULT  # the model's default (VN)
                else:
                    cleaned = target[fields[key]] = field.clean(parsed, None)
                if key not in UNIQUE_CELLS and len(memo) < MEMO_SIZE:
                    memo[remembered] = cleaned
            except CellError as error:
                self.problem(number, key, str(error))
                failed.add(key)
            except ValidationError as error:
                text = _text(value)
                for message in error.messages:
                    self.problem(number, key, f"'{text}': {message}" if text else message)
                failed.add(key)
        return tenant, project, failed

    def skip_reason(self, raw: dict) -> str | None:
        name = header_key(_text(raw.get("tenant_name")))
        if name.startswith(EXAMPLE_PREFIXES):
            return _("the template's example row was skipped.")
        if name in TOTAL_WORDS and _blank(raw.get("tax_code")):
            return _("a total row was skipped.")
        return None

    def import_row(self, number: int, values: list) -> bool:
        raw = self.cells(values)
        reason = self.skip_reason(raw)
        if reason:
            self.skipped += 1
            self.problem(number, None, reason, warning=True)
            return True
        tenant_data, project_data, failed = self.parse(number, raw)
        if "tax_code" in failed:
            return False  # without the tenant there is nothing more to check
        tax_code = tenant_data["tax_code"]
        earlier = self.first_named(tax_code)
        if earlier and "tenant_name" not in failed and fold(earlier[1]) != fold(tenant_data["name"]):
            self.problem(
                number,
                "tenant_name",
                _("Tax code %(tax_code)s is given to “%(other)s” in row %(row)s; one tax code is one tenant.")
                % {"tax_code": tax_code, "other": earlier[1], "row": earlier[0]},
            )
            return False
        if "tenant_name" not in failed:
            self.name_first(tax_code, number, tenant_data["name"])
        fields = TENANT_FIELDS
        try:
            known = self.tenant_for(tax_code)
            tenant = None
            if known is None:
                tenant = self.new_tenant(tenant_data)
            elif not known.new and "tenant_name" not in failed and fold(known.name) != fold(tenant_data["name"]):
                self.name_differs(number, tax_code, known, tenant_data["name"])
            fields = PROJECT_FIELDS
            self.refuse_duplicate(tax_code, project_data)
            project = self.new_project(project_data)
        except ValidationError as error:
            self.service_errors(number, error, fields, raw, failed)
            return False
        if failed:
            # The rules ran on the readable cells to find the row's other errors; the row itself is wrong.
            return False
        self.keep(tax_code, known, tenant, project)
        if len(self.outcome.preview) < PREVIEW_ROWS:
            new = known is None or known.new
            shown = known or tenant
            self.outcome.preview.append(
                {
                    "row": number,
                    "tenant": shown.name if new or self.visible(known) else tenant_data.get("name", ""),
                    "tax_code": tax_code,
                    "new_tenant": new,
                    "is_fdi": shown.is_fdi,
                    "project": project.name,
                    "land_ha": str(project.land_ha),
                    "approval_number": project.approval_number,
                    "approval_date": _day(project.approval_date),
                    "lease_start": _day(project.lease_start),
                    "lease_end": _day(project.lease_end),
                    "status": project.status,
                    "status_label": status_label(project.status),
                    "employees": project.employees,
                }
            )
        return True

    def new_tenant(self, data: dict) -> Tenant:
        """The Tenant `services.tenant_create` would save (raises its ValidationError). The cells were cleaned
        by their fields; the tax code is new to ICIS and to the rows kept above."""
        tenant = Tenant(**{k: v for k, v in data.items() if k in services.TENANT_FIELDS})
        shared_bulk.clean(tenant, exclude=data.keys())
        return tenant

    def new_project(self, data: dict) -> TenantProject:
        """The TenantProject `services.project_create` would save, checked by the same rules in the same order
        (raises its ValidationError): the model's checks, the land left, the status date."""
        project = TenantProject(**{k: v for k, v in data.items() if k in services.PROJECT_FIELDS})
        project.cluster = self.cluster
        status_date = project.ended_on if project.status == ProjectStatus.LEFT else None
        project.status_since = status_date
        errors: dict = {}
        try:
            shared_bulk.clean(project, exclude=data.keys())
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        land, start, end = project.land_ha, project.lease_start, project.lease_end
        if (land is not None and land <= 0) or (start and end and end <= start):
            # A check constraint is broken: let Django word it as full_clean does (a query, for this row only).
            try:
                project.validate_constraints(exclude={name for name in errors if name != NON_FIELD_ERRORS})
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        if project.status != ProjectStatus.LEFT:
            refusal = services.land_refusal(self.cluster, taken=self.taken, asked=project.land_ha)
            if refusal is not None:
                raise refusal
        lifecycle.check_date(status_date, field_name="status_date", required=False)
        return project

    def keep(self, tax_code: str, known: "_Known | None", tenant: Tenant | None, project: TenantProject) -> None:
        """Count a row that passed; in an import, queue its records for the next batch while no row failed."""
        writing = self.commit and not self.outcome.errors
        if known is None:
            known = self.tenants[tax_code] = _Known(None, tenant.name, tenant.is_fdi, new=True)
            self.new_tenants += 1
            facts = self.code_facts(tax_code)
            facts[BITS] |= NEW | (FDI if tenant.is_fdi else 0)
            if not facts[FIRST_ROW] or facts[FIRST_NAME] != tenant.name:
                facts[NEW_NAME] = tenant.name  # the name it is created with (rare)
            self.codes.put(tax_code, facts)
            if writing:
                known.obj = tenant
                self.pending_tenants.append(tenant)
        elif not known.new:
            facts = self.code_facts(tax_code)
            if not facts[BITS] & EXISTING:
                facts[BITS] |= EXISTING
                self.codes.put(tax_code, facts)
                self.existing_tenants += 1
        if writing:
            if known.pk is not None:
                project.tenant_id = known.pk
            else:
                project.tenant = known.obj
            self.pending_projects.append(project)
        key = self.project_key(tax_code, project.approval_number or "", project.name or "")
        self.register(key, project.land_ha)
        self.projects += 1
        self.land += project.land_ha
        if project.status != ProjectStatus.LEFT:
            self.taken += project.land_ha

    def write(self) -> None:
        """Write the queued rows (an import with no failed row so far); forget them once a row has failed."""
        if self.outcome.errors:
            self.pending_tenants, self.pending_projects = [], []
            return
        if not self.pending_projects:
            return
        bulk.create_tenants(self.pending_tenants, actor=self.actor)
        for tenant in self.pending_tenants:
            known = self.tenants[tenant.tax_code]
            known.pk, known.obj = tenant.pk, None
            facts = self.code_facts(tenant.tax_code)
            facts[PK] = tenant.pk
            self.codes.put(tenant.tax_code, facts)
        bulk.create_projects(self.pending_projects, actor=self.actor)
        self.pending_tenants, self.pending_projects = [], []

    def visible(self, known: "_Known") -> bool:
        """Whether the importing user may see this tenant (a tax code may belong to a firm elsewhere)."""
        if known.visible is None:
            known.visible = Tenant.objects.restrict(self.actor).filter(pk=known.pk).exists()
        return known.visible

    def name_differs(self, number: int, tax_code: str, known: "_Known", name: str) -> None:
        if self.visible(known):
            message = _(
                "Tax code %(tax_code)s is already registered to “%(name)s”; that tenant is used and the name in the "
                "file is ignored."
            ) % {"tax_code": tax_code, "name": known.name}
        else:
            message = _(
                "Tax code %(tax_code)s is already registered under another name; that tenant is used and the name "
                "in the file is ignored."
            ) % {"tax_code": tax_code}
        self.problem(number, "tenant_name", message, warning=True)

    def refuse_duplicate(self, tax_code: str, project: dict) -> None:
        number = project.get("approval_number") or ""
        land = self.registered_land(self.project_key(tax_code, number, project.get("name") or ""))
        if land is not None:
            field_name = "approval_number" if number else "name"
            message = _(
                "This project is already registered in cluster %(cluster)s for tax code %(tax_code)s "
                "(%(land)s ha). An import only adds new projects; change existing ones on the project's page, or "
                "give this one its own project name or approval number."
            ) % {"cluster": self.cluster.name, "tax_code": tax_code, "land": formats.area(land)}
            raise ValidationError({field_name: ValidationError(message, code="duplicate")})


def _land_units(land: Decimal) -> int:
    """Hectares as a whole number of 1/10,000 ha (the 4 decimals the model holds)."""
    return int(land.scaleb(4).to_integral_value())


def _day(value: datetime.date | None) -> str:
    return formats.date(value, empty="")


def _ha(value) -> str:
    """Hectares as data (the stored summary: "12.5"), 4 decimals at most; SQLite sums decimals as floats,
    so round first. Pages show it with the `ha` filter."""
    rounded = Decimal(value).quantize(Decimal("0.0001"))
    return format((rounded if rounded else Decimal(0)).normalize(), "f")  # no "-0" from float noise


def _land_taken(cluster: Cluster) -> Decimal:
    return services.leased_land(cluster)


def run(record: TenantImport, *, commit: bool, report=None, keep=None) -> Outcome:
    """Check (commit=False, always rolled back) or import (commit=True, kept only if every row went in).
    `keep(outcome)` records the outcome in the same transaction, after the rows were kept or undone."""
    report = report or (lambda percent: None)
    outcome = Outcome()
    report(2)
    try:
        table = read_table(record.file_kind, bytes(record.content), record.filename)
    except FileProblem as problem:
        outcome.errors.append(problem_at(problem.sheet, problem.row, problem.message))
        return outcome
    if table.ignored:
        ignored = ", ".join(f"{letter} ({header})" for letter, header in table.ignored)
        message = _("These columns are not imported: %(columns)s.") % {"columns": ignored}
        outcome.warnings.append(problem_at(table.sheet, table.header_row, message))
    rows = iter(table.rows)  # read as they are checked: memory stays flat in the file's size
    try:
        first = next(rows, None)
    except FileProblem as problem:
        outcome.errors.append(problem_at(problem.sheet, problem.row, problem.message))
        return outcome
    if first is None:
        message = _("There are no rows under the header row %(row)s.") % {"row": table.header_row}
        outcome.errors.append(problem_at(table.sheet, None, message))
        return outcome
    report(10)
    # The outer transaction ends with the outcome recorded (`keep`), whether the rows were kept or undone,
    # so no other writer (the job sweeper) comes between the two.
    with acting(record.created_by, channel.IMPORT), transaction.atomic():
        with transaction.atomic():
            # The cluster's row is locked once for the whole run (as `project_create` locks it for each project),
            # so no other writer takes land between the check of the rows and their write.
            cluster = Cluster.objects.select_for_update().get(pk=record.cluster_id)
            if cluster.industrial_land_ha is None:
                message = _(
                    "Cluster %(cluster)s has no industrial land recorded; record it (from the detailed plan) before "
                    "importing tenant projects."
                ) % {"cluster": cluster.name}
                outcome.errors.append(problem_at(table.sheet, None, message))
                return outcome
            taken = _land_taken(cluster)
            left_before = cluster.industrial_land_ha - taken
            state = _Run(
                cluster=cluster,
                actor=record.created_by,
                table=table,
                outcome=outcome,
                report=report,
                commit=commit,
                taken=taken,
            )
            estimate = max(table.estimate, 1)
            done = 0
            try:
                for batch in _batches(itertools.chain([first], rows)):
                    state.prefetch(batch)
                    for number, values in batch:
                        done += 1
                        if state.import_row(number, values):
                            outcome.valid_rows += 1
                        if done % PROGRESS_EVERY == 0:
                            report(10 + min(int(89 * done / estimate), 88))
                    if commit:
                        state.write()
            except FileProblem as problem:  # more rows than the limit: nothing is kept
                outcome.errors.append(problem_at(problem.sheet, problem.row, problem.message))
            except sqlite3.Error as error:  # the keys' temporary file (icis/core/imports/spill.py): a full disk
                logger.warning("tenant import %s: temporary key file failed", record.pk, exc_info=True)
                message = _(
                    "The server could not write this import's temporary working file (%(error)s); nothing was "
                    "written. Ask the administrator to check the free space of the server's temporary directory, "
                    "then try again."
                ) % {"error": error}
                raise jobs.JobFailed(message, retryable=True) from error
            finally:
                state.close()
            total = outcome.total_rows = done
            if not state.projects and not outcome.errors:
                message = _("The file has no tenant project to import (only skipped rows).")
                outcome.errors.append(problem_at(table.sheet, None, message))
            ha = _ha
            outcome.summary = {
                "rows": total,
                "projects": state.projects,
                "skipped": state.skipped,
                "new_tenants": state.new_tenants,
                "existing_tenants": state.existing_tenants,
                "land_ha": ha(state.land),
                "industrial_land_ha": ha(cluster.industrial_land_ha),
                "land_left_before_ha": ha(left_before),
                "land_left_after_ha": ha(left_before - state.land),
                "sheet": table.sheet,
                "header_row": table.header_row,
            }
            if outcome.errors or not commit:
                transaction.set_rollback(True)
            elif state.projects:
                bulk.projects_done([cluster.pk])  # the figures kept from tenant projects, recomputed once
        if keep is not None:
            keep(outcome)
    return outcome


# --- 4. running as a job, progress in the database ---------------------------------------------------------


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def process(import_id: int, *, commit: bool, report=None, job: Job | None = None) -> TenantImport:
    """Check or import one upload and store the outcome on its record, and mark its job done, in the
    transaction that wrote the rows: the rows, the outcome and "done" are kept together, or none."""
    record = TenantImport.objects.select_related("cluster", "created_by").get(pk=import_id)
    Status = TenantImport.Status
    kept = []

    def keep(outcome: Outcome) -> None:
        status = Status.INVALID if outcome.errors else (Status.IMPORTED if commit else Status.VALID)
        _store(record, outcome, status)
        if job is not None:
            jobs.succeed(job, {"import_id": record.pk, "status": status})
        kept.append(True)

    with translation.override(record.language or settings.LANGUAGE_CODE):
        outcome = run(record, commit=commit, report=report, keep=keep)
    if not kept:  # refused before any row was tried (unreadable file, no industrial land)
        _store(record, outcome, Status.INVALID if outcome.errors else Status.VALID)
    return record


def _store(record: TenantImport, outcome: Outcome, status: str) -> None:
    IMPORT_LIFECYCLE.check_move(record.status, status)
    record.status = status
    record.progress = 100
    record.errors, record.warnings = outcome.errors, outcome.warnings
    record.summary, record.preview = outcome.summary, outcome.preview
    record.total_rows, record.valid_rows = outcome.total_rows, outcome.valid_rows
    record.imported_at = timezone.now() if status == TenantImport.Status.IMPORTED else None
    record.save(
        update_fields=[
            "status",
            "progress",
            "errors",
            "warnings",
            "summary",
            "preview",
            "total_rows",
            "valid_rows",
            "imported_at",
            "updated_at",
        ]
    )


def _job_failed(job: Job) -> None:
    """The job ended without an outcome (lost connection, worker killed, internal error): the record
    says so in one error, and can be checked again."""
    TenantImport.objects.filter(pk=job.params["import_id"], status__in=RUNNING).update(
        status=TenantImport.Status.FAILED,
        progress=100,
        errors=[problem_at(message=job.message)],
        warnings=[],
        updated_at=timezone.now(),
    )


RUNNING = (TenantImport.Status.CHECKING, TenantImport.Status.IMPORTING)


# Not atomic as a whole: the file is read (with progress shown) before the rows' transaction takes
# SQLite's write lock; `process` marks the job done inside that transaction.
@jobs.handler(on_failure=_job_failed, atomic=False)
def import_job(job: Job, progress) -> dict:
    record = process(job.params["import_id"], commit=job.params["commit"], report=progress, job=job)
    return {"import_id": record.pk, "status": record.status}


def start(record: TenantImport, *, commit: bool) -> Job:
    """Check or import `record` as a background job, queued once the current transaction commits (run in
    the request when ICIS_JOBS_SYNC, as in tests)."""
    label = (_("Tenant list import: %(file)s") if commit else _("Tenant list check: %(file)s")) % {
        "file": record.filename
    }
    with translation.override(record.language or settings.LANGUAGE_CODE):
        job = jobs.enqueue(
            "icis.tenancy.imports.import_job",
            label=label,
            actor=record.created_by,
            params={"import_id": record.pk, "commit": commit},
        )
    TenantImport.objects.filter(pk=record.pk).update(job=job)  # no other field: a synchronous run saved them
    record.job = job
    return job
