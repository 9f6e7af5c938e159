"""Tenant lists from spreadsheets (.xlsx, .csv): upload → check → preview → import.

1. `inspect_upload` refuses hostile or unreadable files before any parser sees them: size, magic
   bytes, zip structure (entry count, inflated size, compression ratio), macros and ActiveX,
   encrypted or OLE files, external links and data connections, DTDs in any XML part; for CSV the
   encoding and the number of lines.
2. `read_table` finds the header row (Vietnamese or English headers) and returns the rows as Excel
   numbers them.
3. `run` sends every row through the real services (`tenant_create`, `project_create`) inside one
   transaction, collecting every error by sheet, row and column instead of stopping at the first.
   A check (preview) always rolls back; an import rolls back unless every row went in. Rows earlier
   in the file are in the database when a later row is checked, so the industrial-land limit counts
   them.
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
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icis.clusters.models import Cluster
from icis.core import channel, formats, jobs
from icis.core.audit import acting
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
from icis.core.models import Job
from icis.core.text import fold

from . import services
from .choices import ProjectStatus
from .models import IMPORT_LIFECYCLE, Tenant, TenantImport, TenantProject

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 200
PROGRESS_EVERY = 20
BATCH_ROWS = 500  # rows read ahead to load their tenants in one query; memory stays flat


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


# --- 3. running the rows through the services -------------------------------------------------------------------


class _RowRejected(Exception):
    pass


class _Run:
    def __init__(self, *, cluster: Cluster, actor, table: Table, outcome: Outcome, report):
        self.cluster, self.actor, self.table, self.outcome, self.report = cluster, actor, table, outcome, report
        self.status_lookup = _status_lookup()
        self.names_by_tax_code: dict[str, tuple[int, str]] = {}
        self.new_tenants: set[str] = set()
        self.existing_tenants: set[str] = set()
        self.land = Decimal(0)
        self.projects = 0
        self.skipped = 0
        self.visibility: dict[int, bool] = {}
        # Lookups loaded in bulk rather than one query per row (issue 16): tenants by tax code, fetched for
        # a batch of rows at once; the cluster's registered projects, once. Both are updated only when a
        # row is kept, since a rejected row's records are rolled back.
        self.tenants: dict[str, Tenant | None] = {}
        self.registered: dict[tuple, Decimal] | None = None

    def prefetch(self, batch: list[tuple[int, list]]) -> None:
        """Load the tenants of a batch of rows in one query."""
        wanted = set()
        for _number, values in batch:
            code = _text(self.cells(values).get("tax_code")).replace(" ", "")
            if code and code not in self.tenants:
                wanted.add(code)
        if not wanted:
            return
        found = {t.tax_code: t for t in Tenant.objects.filter(tax_code__in=wanted)}
        for code in wanted:
            self.tenants[code] = found.get(code)

    def tenant_for(self, tax_code: str) -> Tenant | None:
        if tax_code not in self.tenants:
            self.tenants[tax_code] = Tenant.objects.filter(tax_code=tax_code).first()
        return self.tenants[tax_code]

    @staticmethod
    def project_key(tenant_id: int, approval_number: str, name: str) -> tuple:
        return (tenant_id, approval_number) if approval_number else (tenant_id, "", name)

    def registered_projects(self) -> dict[tuple, Decimal]:
        if self.registered is None:
            rows = (
                TenantProject.objects.filter(cluster=self.cluster)
                .exclude(status=ProjectStatus.LEFT)
                .values_list("tenant_id", "approval_number", "name", "land_ha")
            )
            self.registered = {}
            for tenant_id, approval_number, name, land in rows:
                self.registered.setdefault(self.project_key(tenant_id, approval_number, name), land)
        return self.registered

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
        parsers = {
            "tax_code": parse_tax_code,
            "is_fdi": parse_yes_no,
            "country": parse_country,
            "sector": lambda v: _text(v).upper().replace(" ", ""),
            "land_ha": parse_decimal,
            "employees": parse_whole,
            "status": lambda v: parse_status(v, self.status_lookup),
            **{key: parse_date for key in DATE_COLUMNS},
        }
        for key in self.table.columns:
            value = raw[key]
            column = COLUMN_BY_KEY[key]
            try:
                if column.required and _blank(value):
                    raise CellError(_("This cell is required."))
                parsed = parsers.get(key, _text)(value)
                if key == "country" and not parsed:
                    continue  # the model's default (VN)
                if key in TENANT_FIELDS:
                    model, fields, target = Tenant, TENANT_FIELDS, tenant
                else:
                    model, fields, target = TenantProject, PROJECT_FIELDS, project
                target[fields[key]] = model._meta.get_field(fields[key]).clean(parsed, None)
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
        earlier = self.names_by_tax_code.get(tax_code)
        if earlier and "tenant_name" not in failed and fold(earlier[1]) != fold(tenant_data["name"]):
            self.problem(
                number,
                "tenant_name",
                _("Tax code %(tax_code)s is given to “%(other)s” in row %(row)s; one tax code is one tenant.")
                % {"tax_code": tax_code, "other": earlier[1], "row": earlier[0]},
            )
            return False
        if "tenant_name" not in failed:
            self.names_by_tax_code.setdefault(tax_code, (number, tenant_data["name"]))
        stage, fields = "tenant", TENANT_FIELDS
        try:
            with transaction.atomic():
                tenant = self.tenant_for(tax_code)
                if tenant is None:
                    tenant = services.tenant_create(data=tenant_data, actor=self.actor)
                    new = True
                else:
                    new = tax_code in self.new_tenants
                    if not new and "tenant_name" not in failed and fold(tenant.name) != fold(tenant_data["name"]):
                        self.name_differs(number, tenant, tenant_data["name"])
                stage, fields = "project", PROJECT_FIELDS
                self.refuse_duplicate(tenant, project_data)
                project = services.project_create(
                    data={**project_data, "cluster": self.cluster, "tenant": tenant}, actor=self.actor
                )
                if failed:
                    # The services ran on the readable cells to find the row's other errors; the
                    # row itself is wrong, so undo it.
                    raise _RowRejected
        except _RowRejected:
            return False
        except (OperationalError, InterfaceError):
            raise  # the connection, not the row: the whole run stops with one error (icis/core/jobs.py)
        except ValidationError as error:
            self.service_errors(number, error, fields, raw, failed)
            return False
        except DatabaseError:
            logger.warning("tenant import: database refused row %s", number, exc_info=True)
            self.problem(number, None, _("The database refused this row (%(stage)s).") % {"stage": stage})
            return False
        (self.new_tenants if new else self.existing_tenants).add(tax_code)
        self.tenants[tax_code] = tenant
        key = self.project_key(tenant.pk, project.approval_number or "", project.name or "")
        self.registered_projects().setdefault(key, project.land_ha)
        self.projects += 1
        self.land += project.land_ha
        if len(self.outcome.preview) < PREVIEW_ROWS:
            self.outcome.preview.append(
                {
                    "row": number,
                    "tenant": tenant.name if new or self.visible(tenant) else tenant_data.get("name", ""),
                    "tax_code": tenant.tax_code,
                    "new_tenant": new,
                    "is_fdi": tenant.is_fdi,
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

    def visible(self, tenant: Tenant) -> bool:
        """Whether the importing user may see this tenant (a tax code may belong to a firm elsewhere)."""
        if tenant.pk not in self.visibility:
            self.visibility[tenant.pk] = Tenant.objects.restrict(self.actor).filter(pk=tenant.pk).exists()
        return self.visibility[tenant.pk]

    def name_differs(self, number: int, tenant: Tenant, name: str) -> None:
        if self.visible(tenant):
            message = _(
                "Tax code %(tax_code)s is already registered to “%(name)s”; that tenant is used and the name in the "
                "file is ignored."
            ) % {"tax_code": tenant.tax_code, "name": tenant.name}
        else:
            message = _(
                "Tax code %(tax_code)s is already registered under another name; that tenant is used and the name "
                "in the file is ignored."
            ) % {"tax_code": tenant.tax_code}
        self.problem(number, "tenant_name", message, warning=True)

    def refuse_duplicate(self, tenant: Tenant, project: dict) -> None:
        if tenant.pk is None:
            return
        number = project.get("approval_number") or ""
        land = self.registered_projects().get(self.project_key(tenant.pk, number, project.get("name") or ""))
        if land is not None:
            field_name = "approval_number" if number else "name"
            message = _(
                "This project is already registered in cluster %(cluster)s for tax code %(tax_code)s "
                "(%(land)s ha). An import only adds new projects; change existing ones on the project's page, or "
                "give this one its own project name or approval number."
            ) % {"cluster": self.cluster.name, "tax_code": tenant.tax_code, "land": formats.area(land)}
            raise ValidationError({field_name: ValidationError(message, code="duplicate")})


def _day(value: datetime.date | None) -> str:
    return formats.date(value, empty="")


def _ha(value) -> str:
    """Hectares as data (the stored summary: "12.5"), 4 decimals at most; SQLite sums decimals as floats,
    so round first. Pages show it with the `ha` filter."""
    rounded = Decimal(value).quantize(Decimal("0.0001"))
    return format((rounded if rounded else Decimal(0)).normalize(), "f")  # no "-0" from float noise


def _land_taken(cluster: Cluster) -> Decimal:
    return services.active_projects(cluster.pk).aggregate(total=Sum("land_ha"))["total"] or Decimal(0)


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
            cluster = Cluster.objects.get(pk=record.cluster_id)
            if cluster.industrial_land_ha is None:
                message = _(
                    "Cluster %(cluster)s has no industrial land recorded; record it (from the detailed plan) before "
                    "importing tenant projects."
                ) % {"cluster": cluster.name}
                outcome.errors.append(problem_at(table.sheet, None, message))
                return outcome
            left_before = cluster.industrial_land_ha - _land_taken(cluster)
            state = _Run(cluster=cluster, actor=record.created_by, table=table, outcome=outcome, report=report)
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
            except FileProblem as problem:  # more rows than the limit: nothing is kept
                outcome.errors.append(problem_at(problem.sheet, problem.row, problem.message))
            total = outcome.total_rows = done
            if not state.projects and not outcome.errors:
                message = _("The file has no tenant project to import (only skipped rows).")
                outcome.errors.append(problem_at(table.sheet, None, message))
            ha = _ha
            outcome.summary = {
                "rows": total,
                "projects": state.projects,
                "skipped": state.skipped,
                "new_tenants": len(state.new_tenants),
                "existing_tenants": len(state.existing_tenants),
                "land_ha": ha(state.land),
                "industrial_land_ha": ha(cluster.industrial_land_ha),
                "land_left_before_ha": ha(left_before),
                "land_left_after_ha": ha(left_before - state.land),
                "sheet": table.sheet,
                "header_row": table.header_row,
            }
            if outcome.errors or not commit:
                transaction.set_rollback(True)
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
