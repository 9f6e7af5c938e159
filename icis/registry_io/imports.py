"""A province's registry from one workbook: check every sheet in bulk, show what would change, then write it all.

1. `check` reads every sheet (`workbook.read_sheets`, streamed), parses every cell with the import kit's parsers
   and checks every row against lookups loaded once per file (one query per table, never one per row): the
   province's communes and former units, sectors, investors, the clusters, plans, entries, documents and
   recorded history already in ICIS. Errors are collected by sheet, row and cell; nothing is written.
   Existing records (clusters by code, plans by name, entries by plan and cluster, documents by number, year
   and issuer) are compared field by field: the preview lists each change (field: old → new). Look-alike
   names (clusters/names.py) are warnings that the importer confirms before the import.
2. `commit` runs the same check, then writes through the registry's services (cluster_create with the
   history, cluster_update, record_history, document_create/update, plans and entries) in one transaction;
   a service's refusal is reported on its row and the whole transaction is undone: nothing is written while
   any error remains.
3. `start` runs either as a background job (icis/core/jobs.py) with its progress; the record keeps the outcome.
"""

import datetime
import functools
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from icis.accounts.models import INVESTOR_KINDS, Organisation, OrganisationKind
from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterKind, ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, Sector, StatusChange
from icis.clusters.names import core_name
from icis.clusters.plausibility import cluster_warnings
from icis.core import channel, formats, jobs
from icis.core.audit import acting
from icis.core.imports.cells import CellError, blank, parse_date, parse_decimal, parse_whole, parse_yes_no, text
from icis.core.imports.cells import words as _words
from icis.core.imports.problems import Outcome, problem_at
from icis.core.imports.reading import FileProblem, Table
from icis.core.models import Job
from icis.core.text import fold as _fold
from icis.documents import services as document_services
from icis.documents.models import Document, DocumentType
from icis.geo.models import Commune, LegacyCommune, LegacyDistrict, Province
from icis.planning.choices import NOT_COUNTED_GROUPS, PlanGroup
from icis.planning.models import DevelopmentPlan, PlanEntry

from . import bulk, workbook
from .compact import HashRows, key_hash
from .workbook import CLUSTERS, DOCUMENTS, ENTRIES, HISTORY, PLANS

logger = logging.getLogger(__name__)

# A workbook repeats the same issuers, plan names and labels on thousands of rows: fold each text once.
fold = functools.lru_cache(maxsize=65536)(_fold)
words = functools.lru_cache(maxsize=65536)(_words)

PREVIEW_CHANGES = 1000  # changes listed in the preview (every one is counted)
PREVIEW_NEW = 200
TWO = Decimal("0.01")


def _labels(choices, extra: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Folded value, Vietnamese and English label (and `extra` words) → value."""
    lookup = {}
    for value, label in choices.choices:
        for language in ("vi", "en"):
            with translation.override(language):
                lookup.setdefault(words(str(label)), value)
        lookup.setdefault(words(value), value)
        for word in (extra or {}).get(value, ()):
            lookup.setdefault(word, value)
    return lookup


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


STATUS_WORDS = {
    ClusterStatus.PROPOSED: ("de xuat", "de xuat bo sung", "de xuat bo sung vao phuong an"),
    ClusterStatus.PLANNED: ("quy hoach", "trong quy hoach", "co trong phuong an"),
    ClusterStatus.ESTABLISHED: ("thanh lap", "da thanh lap"),
    ClusterStatus.UNDER_CONSTRUCTION: ("dang xay dung", "xay dung", "dang dau tu xay dung"),
    ClusterStatus.INFRASTRUCTURE_COMPLETE: ("hoan thanh ha tang", "da hoan thanh ha tang"),
    ClusterStatus.OPERATING: ("hoat dong", "dang hoat dong"),
    ClusterStatus.REVOKED: ("thu hoi", "thu hoi quyet dinh thanh lap"),
    ClusterStatus.REMOVED: ("dua ra khoi quy hoach", "loai khoi quy hoach"),
}
GROUP_WORDS = {
    PlanGroup.KEPT: ("giu nguyen", "giu"),
    PlanGroup.AREA_CHANGED: ("dieu chinh dien tich", "dieu chinh"),
    PlanGroup.WITHDRAWN: ("dua ra khoi phuong an", "dua ra", "rut khoi phuong an"),
    PlanGroup.ADDED: ("bo sung", "bo sung moi", "them moi"),
    PlanGroup.BROUGHT_FORWARD: ("dua len", "dua len tu sau nam quy hoach", "dua vao giai doan"),
    PlanGroup.DEFERRED: ("lui", "lui sau nam quy hoach", "chuyen sau nam quy hoach"),
}
KIND_WORDS = {
    ClusterKind.GENERAL: ("chung", "cum cong nghiep chung", "da nganh"),
    ClusterKind.CRAFT_VILLAGE: ("lang nghe", "cum cong nghiep lang nghe"),
    ClusterKind.SPECIALISED: ("chuyen nganh", "chuyen mon hoa"),
}
DOC_WORDS = {
    DocumentType.DECISION: ("qd", "quyet dinh"),
    DocumentType.OFFICIAL_LETTER: ("cong van", "cv"),
    DocumentType.SUBMISSION: ("to trinh",),
    DocumentType.NOTICE: ("thong bao",),
    DocumentType.REPORT: ("bao cao",),
}


def _split_codes(value) -> list[str]:
    raw = text(value)
    return [part.strip() for part in raw.replace(",", ";").replace("\n", ";").split(";") if part.strip()]


def _same(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        if old is None or new is None:
            return old is None and new is None
        return Decimal(old) == Decimal(new)
    if isinstance(old, (set, frozenset)) or isinstance(new, (set, frozenset)):
        return set(old or ()) == set(new or ())
    return (old if old is not None else "") == (new if new is not None else "")


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return formats.area(value)
    if isinstance(value, datetime.date):
        return formats.date(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (set, frozenset, list, tuple)):
        return "; ".join(sorted(str(v) for v in value)) or "—"
    return str(value)


def _doc_hash(key: tuple) -> int:
    """A document's (number, year, folded issuer) as one 64-bit hash (compact.py)."""
    number, year, issuer = key
    return key_hash(f"{number}\x1f{year}\x1f{issuer}")


@dataclass(slots=True)
class Parsed:
    """One row as read: its number, its values by key, and the keys whose cells could not be read."""

    number: int
    values: dict
    failed: set = field(default_factory=set)


class Broken(Exception):
    """A sheet that cannot be read to its end (damaged, or more rows than allowed): its problem is recorded."""


class Check:
    """One check (and, with `commit`, one import) of a registry workbook for `province`."""

    def __init__(
        self,
        *,
        province: Province,
        actor,
        outcome: Outcome,
        report=None,
        synthetic: bool = False,
        keep_rows: bool = False,
        bulk: bool = True,
    ):
        self.province, self.actor, self.outcome = province, actor, outcome
        self.report = report or (lambda percent: None)
        self.synthetic = synthetic
        # A check keeps only compact keys across sheets (codes, document keys, row numbers), so its memory does
        # not grow with the rows; an import (`keep_rows`) also keeps what it will write.
        self.keep_rows = keep_rows
        self.bulk = bulk  # new records written in bulk (bulk.py); False: every row through the services
        self.tables: dict[str, Table] = {}
        self.sheets = None
        self.estimate = 1
        self.done = 0
        self.totals: dict[str, dict] = {}
        self.changes: list[dict] = []
        self.counts = {key: {"new": 0, "changed": 0, "unchanged": 0} for key in workbook.ORDER}
        self.lookalikes = 0
        self.timings: dict[str, float] = {}
        self.statuses = _labels(ClusterStatus, STATUS_WORDS)
        self.groups = _labels(PlanGroup, GROUP_WORDS)
        self.kinds = _labels(ClusterKind, KIND_WORDS)
        self.doc_kinds = _labels(DocumentType, DOC_WORDS)

    # --- problems -----------------------------------------------------------------------------------------
    def problem(self, sheet: str, row: int | None, key: str | None, message: str, *, warning=False, **extra):
        table = self.tables.get(sheet)
        letter, header = table.place(key) if table else ("", "")
        name = table.sheet if table else workbook.sheet_title(sheet)
        self.outcome.add({**problem_at(name, row, message, letter, header), **extra}, warning=warning)

    def cell(self, sheet: str, parsed: Parsed, key: str, parse, *args, **kwargs):
        """A cell parsed by `parse`; a CellError becomes an error on that cell and None."""
        try:
            return parse(parsed.values.get(key), *args, **kwargs)
        except CellError as error:
            parsed.failed.add(key)
            self.problem(sheet, parsed.number, key, str(error))
            return None

    def choice(self, value, lookup: dict, what: str, choices):
        if blank(value):
            return None
        found = lookup.get(words(text(value)))
        if found is None:
            shown = ", ".join(f"“{label}”" for _value, label in choices.choices)
            raise CellError(
                _("'%(value)s' is not a %(what)s: use one of %(choices)s.")
                % {"value": text(value), "what": what, "choices": shown}
            )
        return found

    # --- 1. reading ----------------------------------------------------------------------------------------
    def read(self, data: bytes) -> bool:
        """Open the workbook and find each sheet's header; the rows are streamed by the checks (`stream`)."""
        started = time.perf_counter()
        try:
            sheets = workbook.read_sheets(data, max_rows=settings.ICIS_IMPORT_MAX_ROWS)
        except FileProblem as problem:
            self.outcome.errors.append(problem_at(problem.sheet, problem.row, problem.message))
            return False
        self.sheets, self.tables = sheets, sheets.tables
        for title in sheets.ignored:
            self.outcome.warnings.append(
                problem_at(title, None, _("This sheet is not part of the registry workbook and is not imported."))
            )
        for table in self.tables.values():
            if table.ignored:
                ignored = ", ".join(f"{letter} ({header})" for letter, header in table.ignored)
                self.outcome.warnings.append(
                    problem_at(
                        table.sheet,
                        table.header_row,
                        _("These columns are not imported: %(columns)s.") % {"columns": ignored},
                    )
                )
        self.estimate = max(sum(t.estimate for t in self.tables.values()), 1)
        self.timings["read"] = time.perf_counter() - started
        return True

    def close(self) -> None:
        if self.sheets is not None and self.sheets.close:
            self.sheets.close()
        self.sheets = None

    def stream(self, key: str):
        """The rows of one sheet, read as they are checked (none kept here)."""
        table = self.tables.get(key)
        if table is None:
            return
        cells, report, estimate = table.cells, self.report, self.estimate
        try:
            for number, values in table.rows:
                self.done += 1
                if self.done % 2000 == 0:
                    report(2 + min(int(73 * self.done / estimate), 73))
                yield Parsed(number, cells(values))
        except FileProblem as problem:
            self.outcome.errors.append(problem_at(problem.sheet, problem.row, problem.message))
            raise Broken from None
        except (KeyError, ValueError, workbook.etree_errors()):  # a damaged sheet part
            self.outcome.errors.append(
                problem_at(
                    message=_(
                        "The workbook could not be read. Open it in Excel, save it as “Excel Workbook (.xlsx)” and "
                        "upload it again."
                    )
                )
            )
            raise Broken from None

    def batches(self, key: str, size: int = 1000):
        batch = []
        for parsed in self.stream(key):
            batch.append(parsed)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    # --- 2. lookups, once per file ---------------------------------------------------------------------------
    def load(self) -> None:
        province = self.province
        self.communes = {
            c.code: c
            for c in Commune.objects.filter(province=province).only("code", "name", "mountainous", "province_id")
        }
        self.commune_names = {}
        for commune in self.communes.values():
            self.commune_names.setdefault(words(commune.name), []).append(commune.code)
        self.legacy_districts = {d.code: d for d in LegacyDistrict.objects.filter(province=province)}
        self.legacy_communes = {c.code: c for c in LegacyCommune.objects.filter(district__province=province)}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.investors = {}
        for org in Organisation.objects.all().only("pk", "name", "kind", "tax_code"):
            self.investors.setdefault(words(org.name), org)
        # Codes of other provinces' clusters (the sheets are read after this: no list of the file's codes here).
        self.elsewhere = dict(Cluster.objects.exclude(province=province).values_list("code", "province__name"))
        self.existing = {
            c.code: c for c in Cluster.objects.filter(province=province).select_related("investor", "legacy_district")
        }
        by_pk = {c.pk: c for c in self.existing.values()}
        self.links = defaultdict(dict)  # cluster pk → {commune code: is_lead} (stated)
        for cluster_id, commune_id, is_lead in ClusterCommune.objects.filter(
            cluster__province=province, basis=CommuneBasis.STATED
        ).values_list("cluster_id", "commune_id", "is_lead"):
            self.links[cluster_id][commune_id] = is_lead
        self.old_legacy = defaultdict(set)
        for cluster_id, code in Cluster.legacy_communes.through.objects.filter(cluster__province=province).values_list(
            "cluster_id", "legacycommune_id"
        ):
            self.old_legacy[cluster_id].add(code)
        self.old_sectors = defaultdict(set)
        for cluster_id, code in Cluster.sectors.through.objects.filter(cluster__province=province).values_list(
            "cluster_id", "sector_id"
        ):
            self.old_sectors[cluster_id].add(code)
        # cluster code → [(status, date)] in the path's order, which is the order they were written (as
        # `record_history` reads them; by date, undated steps would sort differently on each database)
        self.recorded = defaultdict(list)
        for cluster_id, status, day in (
            StatusChange.objects.filter(cluster__province=province, expansion__isnull=True)
            .order_by("id")
            .values_list("cluster_id", "to_status", "effective_on")
        ):
            self.recorded[by_pk[cluster_id].code].append((status, day))
        # Every recorded document's key (number, year, issuer); the documents themselves are read a batch of
        # rows at a time (check_documents) and, for an import, before writing.
        self.today = timezone.localdate()
        recorded_documents = Document.objects.values_list("number", "year", "issuer")
        self.document_keys = {(number, year, fold(issuer)) for number, year, issuer in recorded_documents}
        self.documents: dict[tuple, Document] = {}
        self.plans = {
            fold(p.name): p
            for p in DevelopmentPlan.objects.filter(province=province).select_related("document", "amends")
        }
        self.entries = {}
        for entry in PlanEntry.objects.filter(plan__province=province).select_related("cluster"):
            self.entries[(entry.plan_id, entry.cluster.code if entry.cluster_id else "#" + fold(entry.name))] = entry
        self.province_names = [(c.code, c.name, c.industrial_park_name) for c in self.existing.values()]

    # --- 3. checking each sheet ------------------------------------------------------------------------------
    def run_checks(self) -> None:
        """Each sheet streamed and checked in the order its references need: documents, plans, clusters,
        history, entries. Raises Broken (its problem recorded) when a sheet cannot be read to its end."""
        started = time.perf_counter()
        self.load()
        self.report(5)
        self.labels = {
            "document kind": _("document kind"),
            "cluster kind": _("cluster kind"),
            "cluster status": _("cluster status"),
            "plan group": _("plan group"),
        }
        try:
            self.check_documents()
            self.check_plans()
            self.check_clusters()
            self.check_history()
            self.check_entries()
        finally:
            self.outcome.total_rows = self.done
            self.close()
        self.report(75)
        self.timings["check"] = time.perf_counter() - started

    def note_change(self, sheet: str, parsed: Parsed, key: str, diffs: list[tuple[str, object, object]], label: str):
        if not diffs:
            self.counts[sheet]["unchanged"] += 1
            return
        self.counts[sheet]["changed"] += 1
        if len(self.changes) < PREVIEW_CHANGES:
            self.changes.append(
                {
                    "sheet": self.tables[sheet].sheet,
                    "row": parsed.number,
                    "key": key,
                    "label": label,
                    "action": "change",
                    "changes": [{"field": name, "old": _show(old), "new": _show(new)} for name, old, new in diffs],
                }
            )

    def note_new(self, sheet: str, parsed: Parsed, key: str, label: str):
        self.counts[sheet]["new"] += 1
        if len(self.outcome.preview) < PREVIEW_NEW:
            self.outcome.preview.append(
                {"sheet": self.tables[sheet].sheet, "row": parsed.number, "key": key, "label": label, "action": "new"}
            )

    def doc_key(self, sheet: str, parsed: Parsed, prefix: str = "doc_") -> tuple | None:
        """The (number, year, issuer) a row names, or None; a partial reference is an error."""
        number = text(parsed.values.get(f"{prefix}number"))
        year = self.cell(sheet, parsed, f"{prefix}year", parse_whole)
        issuer = text(parsed.values.get(f"{prefix}issuer"))
        if not number and year is None and not issuer:
            return None
        if not (number and year and issuer):
            self.problem(
                sheet,
                parsed.number,
                f"{prefix}number",
                _("Name the document by its number, year and issuer (all three)."),
            )
            return None
        return (number, year, fold(issuer))

    def find_document(self, key: tuple | None) -> bool:
        """Whether the document a row names is in the documents sheet or in ICIS."""
        return key is not None and (_doc_hash(key) in self.document_rows or key in self.document_keys)

    def check_documents(self) -> None:
        self.new_documents: dict[tuple, dict] = {}  # key → data (new or changed); kept for an import only
        self.document_rows = HashRows()  # hash of the key → row number (compact.py)
        for batch in self.batches(DOCUMENTS):
            numbers = {text(parsed.values.get("number")) for parsed in batch}
            recorded = {
                (d.number, d.year, fold(d.issuer)): d for d in Document.objects.filter(number__in=numbers - {""})
            }
            for parsed in batch:
                self.check_document(parsed, recorded)

    def check_document(self, parsed: Parsed, recorded: dict) -> None:
        number = text(parsed.values.get("number"))
        year = self.cell(DOCUMENTS, parsed, "year", parse_whole)
        issuer = text(parsed.values.get("issuer"))
        issued_on = self.cell(DOCUMENTS, parsed, "issued_on", parse_date)
        kind = (
            self.cell(
                DOCUMENTS, parsed, "kind", self.choice, self.doc_kinds, self.labels["document kind"], DocumentType
            )
            or DocumentType.DECISION
        )
        title = text(parsed.values.get("title"))
        for key, value in (("number", number), ("issuer", issuer)):
            if not value:
                self.problem(DOCUMENTS, parsed.number, key, _("This cell is required."))
        if year is not None and not 1945 <= year <= 2100:
            self.problem(DOCUMENTS, parsed.number, "year", _("'%(value)s' is not a plausible year.") % {"value": year})
            parsed.failed.add("year")
        if issued_on and year and issued_on.year != year:
            self.problem(
                DOCUMENTS,
                parsed.number,
                "issued_on",
                _("The date issued (%(date)s) is not in the year %(year)s.")
                % {"date": formats.date(issued_on), "year": year},
            )
        if issued_on and issued_on > self.today:
            self.problem(
                DOCUMENTS,
                parsed.number,
                "issued_on",
                _("The date %(date)s is in the future.") % {"date": formats.date(issued_on)},
            )
        if not (number and year and issuer) or parsed.failed:
            return
        key = (number, year, fold(issuer))
        earlier = self.document_rows.setdefault(_doc_hash(key), parsed.number)
        if earlier is not None:
            self.problem(
                DOCUMENTS,
                parsed.number,
                "number",
                _("Document %(number)s (%(year)s, %(issuer)s) is already in row %(row)s.")
                % {"number": number, "year": year, "issuer": issuer, "row": earlier},
            )
            return
        data = {
            "number": number[:64],
            "year": year,
            "issuer": issuer[:200],
            "doc_type": kind,
            "issued_on": issued_on,
            "summary": title,
        }
        existing = recorded.get(key)
        label = f"{number} ({year}, {issuer})"
        if existing is None:
            if self.keep_rows:
                self.new_documents[key] = {"data": data, "row": parsed, "existing": None}
            self.note_new(DOCUMENTS, parsed, number, label)
            return
        diffs = []
        for name, field_name in (("doc_type", _("kind")), ("issued_on", _("date issued")), ("summary", _("title"))):
            old, new = getattr(existing, name), data[name]
            if name == "summary" and not new:
                continue  # a blank title keeps the recorded one
            if name == "issued_on" and new is None:
                continue
            if not _same(old, new):
                diffs.append(
                    (
                        field_name,
                        _label(DocumentType, old) if name == "doc_type" else old,
                        _label(DocumentType, new) if name == "doc_type" else new,
                    )
                )
        if diffs and self.keep_rows:
            self.new_documents[key] = {"data": data, "row": parsed, "existing": existing}
        self.note_change(DOCUMENTS, parsed, number, diffs, label)

    def check_plans(self) -> None:
        self.plan_rows: dict[str, dict] = {}  # folded name → {"row", "data", "existing"}
        for parsed in self.stream(PLANS):
            name = text(parsed.values.get("plan"))
            horizon = self.cell(PLANS, parsed, "horizon_year", parse_whole)
            vision = self.cell(PLANS, parsed, "vision_year", parse_whole)
            approved_on = self.cell(PLANS, parsed, "approved_on", parse_date)
            current = self.cell(PLANS, parsed, "is_current", parse_yes_no)
            amends = text(parsed.values.get("amends"))
            document_key = self.doc_key(PLANS, parsed)
            if not name:
                self.problem(PLANS, parsed.number, "plan", _("This cell is required."))
                continue
            if horizon is None and "horizon_year" not in parsed.failed:
                self.problem(PLANS, parsed.number, "horizon_year", _("This cell is required."))
            for key, year in (("horizon_year", horizon), ("vision_year", vision)):
                if year is not None and not 2000 <= year <= 2100:
                    self.problem(PLANS, parsed.number, key, _("'%(value)s' is not a plausible year.") % {"value": year})
            if document_key is not None and not self.find_document(document_key):
                self.problem(
                    PLANS,
                    parsed.number,
                    "doc_number",
                    _("Document %(number)s (%(year)s) is neither in the “Documents” sheet nor in ICIS.")
                    % {"number": document_key[0], "year": document_key[1]},
                )
            if fold(name) in self.plan_rows:
                self.problem(
                    PLANS,
                    parsed.number,
                    "plan",
                    _("Plan “%(name)s” is already in row %(row)s.")
                    % {"name": name, "row": self.plan_rows[fold(name)]["row"].number},
                )
                continue
            data = {
                "name": name[:300],
                "horizon_year": horizon,
                "vision_year": vision,
                "approved_on": approved_on,
                "is_current": bool(current),
            }
            self.plan_rows[fold(name)] = {
                "row": parsed,
                "data": data,
                "document": document_key,
                "amends": amends,
                "existing": self.plans.get(fold(name)),
            }
        names = set(self.plan_rows) | set(self.plans)
        currents = [p for p in self.plan_rows.values() if p["data"]["is_current"]]
        if len(currents) > 1:
            self.problem(
                PLANS,
                currents[1]["row"].number,
                "is_current",
                _("Only one plan version of a province is in force; row %(row)s is too.")
                % {"row": currents[0]["row"].number},
            )
        for plan in self.plan_rows.values():
            if plan["amends"] and fold(plan["amends"]) not in names:
                self.problem(
                    PLANS,
                    plan["row"].number,
                    "amends",
                    _("'%(value)s' is not a plan version of this workbook or of ICIS.") % {"value": plan["amends"]},
                )
            existing = plan["existing"]
            label = plan["data"]["name"]
            if existing is None:
                self.note_new(PLANS, plan["row"], label, label)
                continue
            diffs = []
            for key, shown in (
                ("horizon_year", _("horizon year")),
                ("vision_year", _("vision year")),
                ("approved_on", _("approved on")),
                ("is_current", _("in force")),
            ):
                if not _same(getattr(existing, key), plan["data"][key]):
                    diffs.append((shown, getattr(existing, key), plan["data"][key]))
            old_doc = (
                (existing.document.number, existing.document.year, fold(existing.document.issuer))
                if existing.document_id
                else None
            )
            if plan["document"] != old_doc and plan["document"] is not None:
                diffs.append((_("approving document"), existing.document, plan["document"][0]))
            old_amends = existing.amends.name if existing.amends_id else ""
            if fold(old_amends) != fold(plan["amends"]):
                diffs.append((_("amends"), old_amends, plan["amends"]))
            plan["changed"] = bool(diffs)
            self.note_change(PLANS, plan["row"], label, diffs, label)

    def parse_communes(self, parsed: Parsed) -> tuple[list[str], str | None, bool]:
        codes, lead, leads = [], None, 0
        for part in _split_codes(parsed.values.get("communes")):
            marked = part.endswith("*") or part.startswith("*")
            part = part.strip("* ").strip()
            code = part if part in self.communes else None
            if code is None:
                found = self.commune_names.get(words(part), [])
                code = found[0] if len(found) == 1 else None
            if code is None:
                self.problem(
                    CLUSTERS,
                    parsed.number,
                    "communes",
                    _("'%(value)s' is not a commune of %(province)s (give its GSO code).")
                    % {"value": part, "province": self.province.name},
                )
                parsed.failed.add("communes")
                continue
            if code in codes:
                continue
            codes.append(code)
            if marked:
                lead, leads = code, leads + 1
        if leads > 1:
            self.problem(
                CLUSTERS,
                parsed.number,
                "communes",
                _("Mark one lead commune with '*', not %(count)s.") % {"count": leads},
            )
            parsed.failed.add("communes")
        marked = lead is not None
        if len(codes) == 1:
            lead = codes[0]  # a cluster in one commune is reported there
        elif len(codes) > 1 and lead is None and "communes" not in parsed.failed:
            self.problem(
                CLUSTERS,
                parsed.number,
                "communes",
                _(
                    "The cluster lies in several communes: mark the lead commune (the one that reports it) with '*', "
                    "e.g. “%(example)s”."
                )
                % {"example": f"{codes[0]}*; {codes[1]}"},
            )
            parsed.failed.add("communes")
        return codes, lead, marked

    def check_clusters(self) -> None:
        self.cluster_rows: dict[str, dict] = {}  # code → what to write; kept for an import only
        self.cluster_index = HashRows()  # hash of the code → row number (compact.py)
        self.cluster_names: dict[str, str] = {}  # code → name (clusters in ICIS; all for an import)
        # The first cluster (in ICIS, or an earlier row) of each core name, for the look-alike warning: the
        # names in ICIS by their core; the rows' cores only as 8-byte hashes with the row number (compact.py),
        # a match confirmed against the rows' own names in a second light pass (`confirm_lookalikes`).
        in_icis: dict[str, tuple[str, str]] = {}
        for code, name, park in self.province_names:
            in_icis.setdefault(core_name(name), (code, name))
            if park:
                in_icis.setdefault(core_name(park), (code, name))
        first_rows = HashRows()
        candidates: list[tuple[int, int]] = []  # (row, an earlier row whose core has the same hash)
        new_investors: dict[str, str] = {}
        for parsed in self.stream(CLUSTERS):
            v = parsed.values
            code, name = text(v.get("code")), text(v.get("name"))
            province_code = text(v.get("province"))
            if not code:
                self.problem(CLUSTERS, parsed.number, "code", _("This cell is required."))
                continue
            if not name:
                self.problem(CLUSTERS, parsed.number, "name", _("This cell is required."))
            if province_code and province_code.zfill(2) != self.province.code:
                self.problem(
                    CLUSTERS,
                    parsed.number,
                    "province",
                    _(
                        "This workbook is for %(province)s (%(code)s); a cluster of province %(other)s cannot be "
                        "imported into it."
                    )
                    % {"province": self.province.name, "code": self.province.code, "other": province_code},
                )
                parsed.failed.add("province")
            elif not province_code:
                self.problem(CLUSTERS, parsed.number, "province", _("This cell is required."))
            if code in self.elsewhere:
                self.problem(
                    CLUSTERS,
                    parsed.number,
                    "code",
                    _("Code %(code)s belongs to a cluster of %(province)s.")
                    % {"code": code, "province": self.elsewhere[code]},
                )
                continue
            earlier = self.cluster_index.get(key_hash(code))
            if earlier is not None:
                self.problem(
                    CLUSTERS,
                    parsed.number,
                    "code",
                    _("Code %(code)s is already in row %(row)s.") % {"code": code, "row": earlier},
                )
                continue
            kind = (
                self.cell(CLUSTERS, parsed, "kind", self.choice, self.kinds, self.labels["cluster kind"], ClusterKind)
                or ClusterKind.GENERAL
            )
            areas = {
                key: self.cell(CLUSTERS, parsed, key, parse_decimal)
                for key in ("planned_area_ha", "area_ha", "industrial_land_ha")
            }
            for key, value in areas.items():
                if value is not None and (value < 0 or value >= Decimal("1000000")):
                    self.problem(
                        CLUSTERS,
                        parsed.number,
                        key,
                        _("'%(value)s' is not a plausible area in hectares.") % {"value": formats.area(value)},
                    )
                    parsed.failed.add(key)
            latitude = self.cell(CLUSTERS, parsed, "latitude", parse_decimal)
            longitude = self.cell(CLUSTERS, parsed, "longitude", parse_decimal)
            if latitude is not None and not Decimal(8) <= latitude <= Decimal(24):
                self.problem(
                    CLUSTERS,
                    parsed.number,
                    "latitude",
                    _("%(value)s is not a latitude in Vietnam (8–24).") % {"value": latitude},
                )
                parsed.failed.add("latitude")
            if longitude is not None and not Decimal(102) <= longitude <= Decimal(110):
                self.problem(
                    CLUSTERS,
                    parsed.number,
                    "longitude",
                    _("%(value)s is not a longitude in Vietnam (102–110).") % {"value": longitude},
                )
                parsed.failed.add("longitude")
            communes, lead, lead_marked = self.parse_communes(parsed)
            district = None
            if not blank(v.get("legacy_district")):
                district = self.legacy_districts.get(text(v.get("legacy_district")))
                if district is None:
                    self.problem(
                        CLUSTERS,
                        parsed.number,
                        "legacy_district",
                        _("'%(value)s' is not a former district of %(province)s.")
                        % {"value": text(v.get("legacy_district")), "province": self.province.name},
                    )
                    parsed.failed.add("legacy_district")
            legacy = []
            for part in _split_codes(v.get("legacy_communes")):
                if part not in self.legacy_communes:
                    self.problem(
                        CLUSTERS,
                        parsed.number,
                        "legacy_communes",
                        _("'%(value)s' is not a former commune of %(province)s.")
                        % {"value": part, "province": self.province.name},
                    )
                    parsed.failed.add("legacy_communes")
                else:
                    legacy.append(part)
            sectors = []
            for part in _split_codes(v.get("sectors")):
                if part not in self.sectors:
                    self.problem(
                        CLUSTERS,
                        parsed.number,
                        "sectors",
                        _("'%(value)s' is not a known sector code.") % {"value": part},
                    )
                    parsed.failed.add("sectors")
                else:
                    sectors.append(part)
            investor_name = text(v.get("investor"))
            investor = None
            if investor_name:
                investor = self.investors.get(words(investor_name))
                if investor is None:
                    new_investors.setdefault(words(investor_name), investor_name)
                elif investor.kind not in INVESTOR_KINDS and (
                    code not in self.existing or self.existing[code].investor_id != investor.pk
                ):
                    self.problem(
                        CLUSTERS,
                        parsed.number,
                        "investor",
                        _("%(name)s is registered as “%(kind)s”, not as an infrastructure investor.")
                        % {"name": investor.name, "kind": investor.get_kind_display()},
                    )
                    parsed.failed.add("investor")
            data = {
                "code": code[:32],
                "name": name[:200],
                "name_ascii": text(v.get("name_ascii"))[:200],
                "kind": kind,
                "province": self.province,
                "legacy_district": district,
                "latitude": latitude,
                "longitude": longitude,
                "industrial_park_name": text(v.get("industrial_park_name"))[:200],
                "notes": text(v.get("notes")),
                **areas,
            }
            row = {
                "row": parsed,
                "data": data,
                "communes": communes,
                "lead": lead,
                "lead_marked": lead_marked,
                "legacy": legacy,
                "sectors": sectors,
                "investor": investor,
                "investor_name": investor_name,
                "existing": self.existing.get(code),
            }
            self.cluster_index.set(key_hash(code), parsed.number)
            if self.keep_rows:
                self.cluster_rows[code] = row
            if self.keep_rows or row["existing"] is not None:
                self.cluster_names[code] = data["name"]
            if name and not parsed.failed:
                for warning in cluster_warnings(
                    area_ha=areas["area_ha"],
                    industrial_land_ha=areas["industrial_land_ha"],
                    kind=kind,
                    communes=[self.communes[c] for c in communes],
                ):
                    self.problem(CLUSTERS, parsed.number, warning.field, warning.message, warning=True)
            if name and row["existing"] is None:
                core = core_name(name)
                first = in_icis.get(core)
                if first is not None:
                    self.lookalike(parsed.number, *first, 0)
                else:
                    earlier = first_rows.setdefault(key_hash(core), parsed.number)
                    if earlier is not None:
                        candidates.append((parsed.number, earlier))
            self.compare_cluster(row)
        if candidates:
            self.confirm_lookalikes(candidates)
        for shown in new_investors.values():
            self.outcome.warnings.append(
                problem_at(
                    self.tables[CLUSTERS].sheet,
                    None,
                    _("“%(name)s” is not registered yet; it will be registered as an infrastructure investor.")
                    % {"name": shown},
                )
            )
        self.new_investors = new_investors

    def lookalike(self, row: int, other_code: str, other_name: str, other_row: int) -> None:
        where = _("row %(row)s") % {"row": other_row} if other_row else _("already in ICIS")
        message = _("The name looks like “%(other)s” (%(code)s, %(where)s): check that they are two clusters.") % {
            "other": other_name,
            "code": other_code,
            "where": where,
        }
        self.problem(CLUSTERS, row, "name", message, warning=True, confirm=True)
        self.lookalikes += 1

    def confirm_lookalikes(self, candidates: list[tuple[int, int]]) -> None:
        """Rows whose core name hashed like an earlier row's: the two rows' names read again (only theirs) and
        compared, so that a hash collision never warns and each warning names the earlier row's code and name."""
        table = self.tables[CLUSTERS]
        wanted = {row for pair in candidates for row in pair}
        code_at, name_at = table.columns["code"][2], table.columns["name"][2]
        names: dict[int, tuple[str, str]] = {}
        for number, values in table.reread(max(code_at, name_at) + 1):
            if number in wanted:
                cell = values + [None] * (max(code_at, name_at) + 1 - len(values))
                names[number] = (text(cell[code_at]), text(cell[name_at]))
        for row, earlier in candidates:
            if row in names and earlier in names and core_name(names[row][1]) == core_name(names[earlier][1]):
                self.lookalike(row, *names[earlier], earlier)

    def compare_cluster(self, row: dict) -> None:
        parsed, data, existing = row["row"], row["data"], row["existing"]
        if existing is None:
            self.note_new(CLUSTERS, parsed, data["code"], data["name"])
            return
        diffs = []
        for key in (
            "name",
            "name_ascii",
            "kind",
            "planned_area_ha",
            "area_ha",
            "industrial_land_ha",
            "latitude",
            "longitude",
            "industrial_park_name",
            "notes",
        ):
            old, new = getattr(existing, key), data[key]
            if not _same(old, new):
                if key == "kind":
                    old, new = _label(ClusterKind, old), _label(ClusterKind, new)
                diffs.append((str(Cluster._meta.get_field(key).verbose_name), old, new))
        if existing.legacy_district_id != (data["legacy_district"].code if data["legacy_district"] else None):
            diffs.append(
                (
                    _("former district"),
                    existing.legacy_district_id,
                    data["legacy_district"].code if data["legacy_district"] else None,
                )
            )
        new_investor = row["investor"].pk if row["investor"] else None
        if existing.investor_id != new_investor or (row["investor_name"] and row["investor"] is None):
            diffs.append(
                (_("investor"), existing.investor.name if existing.investor_id else None, row["investor_name"])
            )
        links = self.links.get(existing.pk, {})
        if set(links) != set(row["communes"]):
            diffs.append((_("communes"), set(links), set(row["communes"])))
        old_lead = next((code for code, is_lead in links.items() if is_lead), None)
        if row["lead"] != old_lead and (len(row["communes"]) > 1 or row["lead_marked"]):
            diffs.append((_("lead commune"), old_lead, row["lead"]))
        if self.old_legacy.get(existing.pk, set()) != set(row["legacy"]):
            diffs.append((_("former communes"), self.old_legacy.get(existing.pk, set()), set(row["legacy"])))
        if self.old_sectors.get(existing.pk, set()) != set(row["sectors"]):
            diffs.append((_("sectors"), self.old_sectors.get(existing.pk, set()), set(row["sectors"])))
        row["changed"] = bool(diffs)
        self.note_change(CLUSTERS, parsed, data["code"], diffs, data["name"])

    def known_cluster(self, code: str) -> bool:
        return key_hash(code) in self.cluster_index or code in self.existing

    def history_counts(self) -> HashRows:
        """How many rows of the status history name each cluster code (a first, light pass over that sheet that
        reads only the code column), so that the check can take up a cluster's path as soon as its last row is
        read and keep no other cluster's steps: the history may list a cluster's steps anywhere in the sheet."""
        table = self.tables.get(HISTORY)
        reread = getattr(table, "reread", None)
        counts = HashRows()  # hash of the code → its rows (compact.py)
        if reread is None:
            return counts
        index = table.columns["cluster_code"][2]
        try:
            for _number, values in reread(index + 1):
                code = text(values[index]) if index < len(values) else ""
                if code:
                    hashed = key_hash(code)
                    counts.set(hashed, (counts.get(hashed) or 0) + 1)
        except (KeyError, ValueError, workbook.etree_errors()):
            pass  # the full pass names it
        return counts

    def check_history(self) -> None:
        self.steps: dict[str, list[cluster_services.PastChange]] = {}  # code → steps; kept for an import only
        remaining = self.history_counts()
        pending: dict[str, list[cluster_services.PastChange]] = defaultdict(list)
        for parsed in self.stream(HISTORY):
            code = text(parsed.values.get("cluster_code"))
            step = self.history_row(parsed, code)
            if step is not None:
                pending[code].append(step)
            if code:
                hashed = key_hash(code)
                left = max((remaining.get(hashed) or 1) - 1, 0)
                remaining.set(hashed, left)
                if left == 0:
                    self.history_done(code, pending.pop(code, []))
        for code in list(pending):
            self.history_done(code, pending.pop(code))
        silent = {row for hashed, row in self.cluster_index.items() if hashed not in remaining}
        if silent:  # clusters without a history row: their codes read again (only theirs)
            for code in self.codes_at(silent):
                self.history_done(code, [])

    def codes_at(self, rows: set[int]) -> list[str]:
        """The cluster codes of these rows of the clusters sheet, read again (a light pass over one column)."""
        table = self.tables[CLUSTERS]
        index = table.columns["code"][2]
        return [
            text(values[index])
            for number, values in table.reread(index + 1)
            if number in rows and index < len(values) and text(values[index])
        ]

    def history_done(self, code: str, steps: list) -> None:
        """A cluster's steps, all read: its path checked (with what ICIS has recorded)."""
        if self.keep_rows and steps:
            self.steps[code] = steps
        row = self.cluster_index.get(key_hash(code))
        if row is not None:
            if code not in self.existing and not steps:
                self.problem(
                    CLUSTERS,
                    row,
                    "code",
                    _(
                        "Cluster %(code)s has no row in the “Status history” sheet: give at least its current "
                        "status (the date may be blank)."
                    )
                    % {"code": code},
                )
                return
        elif not steps:
            return
        self.check_path(code, steps, self.recorded.get(code, []))

    def history_row(self, parsed: Parsed, code: str):
        """One row of the status history checked: its step, or None (its problem recorded)."""
        status = self.cell(
            HISTORY, parsed, "to_status", self.choice, self.statuses, self.labels["cluster status"], ClusterStatus
        )
        day = self.cell(HISTORY, parsed, "effective_on", parse_date)
        document_key = self.doc_key(HISTORY, parsed)
        if not code:
            self.problem(HISTORY, parsed.number, "cluster_code", _("This cell is required."))
            return None
        if code in self.elsewhere:
            self.problem(
                HISTORY,
                parsed.number,
                "cluster_code",
                _("Code %(code)s belongs to a cluster of %(province)s.")
                % {"code": code, "province": self.elsewhere[code]},
            )
            return None
        if not self.known_cluster(code):
            self.problem(
                HISTORY,
                parsed.number,
                "cluster_code",
                _("Cluster %(code)s is neither in the “Clusters” sheet nor in ICIS for %(province)s.")
                % {"code": code, "province": self.province.name},
            )
            return None
        if status is None:
            if "to_status" not in parsed.failed:
                self.problem(HISTORY, parsed.number, "to_status", _("This cell is required."))
            return None
        if document_key is not None:
            if not self.find_document(document_key):
                self.problem(
                    HISTORY,
                    parsed.number,
                    "doc_number",
                    _("Document %(number)s (%(year)s) is neither in the “Documents” sheet nor in ICIS.")
                    % {"number": document_key[0], "year": document_key[1]},
                )
                return None
        if day is None and "effective_on" in parsed.failed:
            return None
        return cluster_services.PastChange(
            status, day, document_key, text(parsed.values.get("reason")), place=parsed.number
        )

    def check_path(self, code: str, steps: list, recorded: list) -> None:
        known = set(recorded)
        new = [s for s in steps if (s.to_status, s.effective_on) not in known]
        row_of = {s.place: s for s in steps}
        try:
            if recorded:
                if not new:
                    self.counts[HISTORY]["unchanged"] += len(steps)
                    return
                latest = cluster_services.PastChange(recorded[-1][0], recorded[-1][1], place=None)
                path = cluster_services.history_path([latest, *new])
                if path[0] is not latest:
                    raise cluster_services.HistoryRefused(
                        _(
                            "This step comes before the latest recorded status of %(cluster)s (%(status)s since "
                            "%(date)s); only later steps can be added."
                        )
                        % {
                            "cluster": code,
                            "status": _label(ClusterStatus, latest.to_status),
                            "date": _show(latest.effective_on),
                        },
                        code="date_before_current",
                        place=path[0].place,
                    )
            else:
                cluster_services.history_path(steps)
        except cluster_services.HistoryRefused as refused:
            place = refused.place if refused.place in row_of else (new or steps)[0].place
            self.problem(
                HISTORY,
                place,
                "to_status",
                _("Cluster %(code)s: %(message)s") % {"code": code, "message": refused.message_text},
            )
            return
        self.counts[HISTORY]["unchanged"] += len(steps) - len(new)
        self.counts[HISTORY]["new"] += len(new)
        if recorded:
            for step in new:
                if len(self.changes) < PREVIEW_CHANGES:
                    self.changes.append(
                        {
                            "sheet": self.tables[HISTORY].sheet,
                            "row": step.place,
                            "key": code,
                            "label": code,
                            "action": "change",
                            "changes": [
                                {
                                    "field": _("status"),
                                    "old": "—",
                                    "new": f"{_label(ClusterStatus, step.to_status)} ({_show(step.effective_on)})",
                                }
                            ],
                        }
                    )

    def plan_known(self, name: str) -> bool:
        return fold(name) in self.plan_rows or fold(name) in self.plans

    def check_entries(self) -> None:
        self.entry_rows: dict[tuple, dict] = {}  # (plan, cluster) → what to write; kept for an import only
        self.entry_index = HashRows()  # hash of (folded plan, cluster) → row number (compact.py)
        self.totals: dict[str, dict] = {}  # folded plan → its totals from the entries
        for parsed in self.stream(ENTRIES):
            plan = text(parsed.values.get("plan"))
            code = text(parsed.values.get("cluster_code"))
            name = text(parsed.values.get("name"))
            group = self.cell(ENTRIES, parsed, "group", self.choice, self.groups, self.labels["plan group"], PlanGroup)
            area = self.cell(ENTRIES, parsed, "planned_area_ha", parse_decimal)
            phase = text(parsed.values.get("phase"))[:40]
            if not plan:
                self.problem(ENTRIES, parsed.number, "plan", _("This cell is required."))
                continue
            if not self.plan_known(plan):
                self.problem(
                    ENTRIES,
                    parsed.number,
                    "plan",
                    _("'%(value)s' is not a plan version of this workbook or of ICIS.") % {"value": plan},
                )
                continue
            if group is None and "group" not in parsed.failed:
                self.problem(ENTRIES, parsed.number, "group", _("This cell is required."))
            if area is not None and area < 0:
                self.problem(
                    ENTRIES,
                    parsed.number,
                    "planned_area_ha",
                    _("'%(value)s' is not a plausible area in hectares.") % {"value": formats.area(area)},
                )
            if code and not self.known_cluster(code):
                self.problem(
                    ENTRIES,
                    parsed.number,
                    "cluster_code",
                    _("Cluster %(code)s is neither in the “Clusters” sheet nor in ICIS for %(province)s.")
                    % {"code": code, "province": self.province.name},
                )
                continue
            if not code and not name:
                self.problem(
                    ENTRIES,
                    parsed.number,
                    "cluster_code",
                    _("Give the cluster's code, or its name in the plan for a cluster not yet registered."),
                )
                continue
            if not name:
                name = self.cluster_names.get(code) or (self.existing[code].name if code in self.existing else code)
            key = (fold(plan), code or "#" + fold(name))
            earlier = self.entry_index.get(key_hash(f"{key[0]}\x1f{key[1]}"))
            if earlier is not None:
                self.problem(
                    ENTRIES,
                    parsed.number,
                    "cluster_code",
                    _("This cluster is already listed for this plan version in row %(row)s.") % {"row": earlier},
                )
                continue
            data = {"name": name[:200], "group": group, "planned_area_ha": area, "phase": phase}
            existing_plan = self.plans.get(fold(plan))
            existing = self.entries.get((existing_plan.pk, key[1])) if existing_plan else None
            self.entry_index.set(key_hash(f"{key[0]}\x1f{key[1]}"), parsed.number)
            self.add_to_totals(plan, group, area)
            entry = {"row": parsed, "plan": plan, "code": code, "data": data, "existing": existing}
            if self.keep_rows:
                self.entry_rows[key] = entry
            label = f"{plan}: {name}"
            if existing is None:
                self.note_new(ENTRIES, parsed, code or name, label)
                continue
            diffs = []
            for field_name, shown in (
                ("name", _("name in the plan")),
                ("group", _("group")),
                ("planned_area_ha", _("planned area (ha)")),
                ("phase", _("phase")),
            ):
                old, new = getattr(existing, field_name), data[field_name]
                if not _same(old, new):
                    if field_name == "group":
                        old, new = _label(PlanGroup, old), _label(PlanGroup, new)
                    diffs.append((shown, old, new))
            entry["changed"] = bool(diffs)
            self.note_change(ENTRIES, parsed, code or name, diffs, label)

    def finish(self) -> None:
        summary = {key: dict(counts) for key, counts in self.counts.items()}
        summary.update(
            {
                "province": self.province.code,
                "province_name": self.province.name,
                "sheets": {key: table.sheet for key, table in self.tables.items()},
                "rows": self.outcome.total_rows,
                "lookalikes": self.lookalikes,
                "changes": self.changes,
                "changed_total": sum(c["changed"] for c in self.counts.values()),
                "plan_totals": self.plan_totals(),
            }
        )
        self.outcome.summary = summary
        self.outcome.valid_rows = self.outcome.total_rows - len(
            {(e.get("sheet"), e.get("row")) for e in self.outcome.errors if e.get("row")}
        )

    def add_to_totals(self, plan: str, group, area) -> None:
        totals = self.totals.get(fold(plan))
        if totals is None:
            totals = self.totals[fold(plan)] = {
                "plan": plan,
                "count": 0,
                "area_ha": Decimal(0),
                "not_counted": 0,
                "groups": defaultdict(int),
            }
        totals["groups"][group] += 1
        if group in NOT_COUNTED_GROUPS:
            totals["not_counted"] += 1
            return
        totals["count"] += 1
        totals["area_ha"] += area or 0

    def plan_totals(self) -> list[dict]:
        """Each plan version of the workbook with its totals computed from its entries (withdrawn and deferred
        shown apart, never counted)."""
        return [
            {**plan, "area_ha": str(plan["area_ha"]), "groups": dict(plan["groups"])} for plan in self.totals.values()
        ]

    # --- 4. writing --------------------------------------------------------------------------------------------
    def write(self) -> None:
        """Every row through the registry's services; a refusal is an error on its row (the caller rolls back)."""
        started = time.perf_counter()
        actor = self.actor
        wanted = {s.document for steps in self.steps.values() for s in steps if s.document is not None}
        wanted |= {p["document"] for p in self.plan_rows.values() if p["document"] is not None}
        self.documents = {
            (d.number, d.year, fold(d.issuer)): d
            for d in Document.objects.filter(number__in={key[0] for key in wanted})
        }
        documents = {}
        fresh = []  # new documents written in bulk
        for key, item in self.new_documents.items():
            try:
                if item["existing"] is None and self.bulk:
                    documents[key] = bulk.build_document(item["data"])
                    fresh.append(documents[key])
                elif item["existing"] is None:
                    documents[key] = document_services.document_create(data=item["data"], actor=actor)
                else:
                    data = {
                        k: v
                        for k, v in item["data"].items()
                        if k in ("doc_type", "issued_on", "summary") and v not in (None, "")
                    }
                    documents[key] = document_services.document_update(
                        document=item["existing"], data=data, actor=actor
                    )
            except ValidationError as error:
                self.service_error(DOCUMENTS, item["row"], error)
        if self.outcome.errors:
            return
        bulk.create_documents(fresh, actor=actor)
        self.report(80)

        def document(key):
            return None if key is None else documents.get(key) or self.documents.get(key)

        investors = {}
        for folded, shown in self.new_investors.items():
            org = Organisation(name=shown[:255], kind=OrganisationKind.INVESTOR)
            org._history_user = actor
            org.save()
            investors[folded] = org
        total = max(len(self.cluster_rows), 1)
        new_clusters = []
        for done, (code, row) in enumerate(self.cluster_rows.items(), start=1):
            if done % 200 == 0:
                self.report(80 + int(12 * done / total))
            investor = row["investor"] or investors.get(words(row["investor_name"])) if row["investor_name"] else None
            data = {**row["data"], "investor": investor}
            steps = [
                cluster_services.PastChange(s.to_status, s.effective_on, document(s.document), s.reason, place=s.place)
                for s in self.steps.get(code, [])
            ]
            if self.bulk and row["existing"] is None:
                try:
                    path = cluster_services.history_path(steps)
                    cluster = bulk.build_cluster(data, path=path, synthetic=self.synthetic)
                except cluster_services.HistoryRefused as refused:
                    self.problem(
                        HISTORY,
                        refused.place if isinstance(refused.place, int) else None,
                        "to_status",
                        f"{code}: {refused.message_text}",
                    )
                    continue
                except ValidationError as error:
                    self.service_error(CLUSTERS, row["row"], error)
                    continue
                new_clusters.append(
                    bulk.NewCluster(
                        cluster,
                        path,
                        row["communes"],
                        row["lead"],
                        row["legacy"],
                        row["sectors"],
                        row["data"].get("industrial_park_name") or "",
                        row,
                    )
                )
                row["cluster"] = cluster
                continue
            try:
                with transaction.atomic():
                    if row["existing"] is None:
                        cluster = cluster_services.cluster_create(
                            data=data,
                            actor=actor,
                            status=None,
                            history=steps,
                            communes=[self.communes[c] for c in row["communes"]],
                            legacy_communes=[self.legacy_communes[c] for c in row["legacy"]],
                            sectors=[self.sectors[c] for c in row["sectors"]],
                            is_synthetic=self.synthetic,
                            confirmed=True,
                        )
                        park = row["data"].get("industrial_park_name")
                        if park:
                            cluster.industrial_park_name = park
                            cluster._history_user = actor
                            cluster.save(update_fields=["industrial_park_name"])
                    else:
                        cluster = row["existing"]
                        if row.get("changed"):
                            changes = {
                                k: v
                                for k, v in data.items()
                                if k not in ("code", "province") and not _same(getattr(cluster, k), v)
                            }
                            changes = {k: v for k, v in changes.items() if k in cluster_services.EDITABLE_FIELDS}
                            cluster = cluster_services.cluster_update(
                                cluster=cluster,
                                data=changes,
                                actor=actor,
                                communes=[self.communes[c] for c in row["communes"]],
                                legacy_communes=[self.legacy_communes[c] for c in row["legacy"]],
                                sectors=[self.sectors[c] for c in row["sectors"]],
                                confirmed=True,
                            )
                            park = row["data"].get("industrial_park_name") or ""
                            if park != cluster.industrial_park_name:
                                cluster.industrial_park_name = park
                                cluster._history_user = actor
                                cluster.save(update_fields=["industrial_park_name"])
                        if steps:
                            cluster_services.record_history(cluster=cluster, entries=steps, actor=actor)
                    if row["lead"] and (row["existing"] is None or (row.get("changed") and row["lead_marked"])):
                        cluster_services.cluster_set_lead_commune(
                            cluster=cluster, commune_code=row["lead"], actor=actor
                        )
                    linked = {s.document.pk for s in steps if s.document is not None}
                    if linked:
                        cluster.documents.add(*linked)
                    row["cluster"] = cluster
            except cluster_services.HistoryRefused as refused:
                self.problem(
                    HISTORY,
                    refused.place if isinstance(refused.place, int) else None,
                    "to_status",
                    f"{code}: {refused.message_text}",
                )
            except ValidationError as error:
                self.service_error(CLUSTERS, row["row"], error)
        if self.outcome.errors:
            return
        bulk.create_clusters(new_clusters, actor=actor)
        for code, steps in self.steps.items():
            if code in self.cluster_rows:
                continue
            cluster = self.existing[code]
            try:
                with transaction.atomic():
                    cluster_services.record_history(
                        cluster=cluster,
                        entries=[
                            cluster_services.PastChange(
                                s.to_status, s.effective_on, document(s.document), s.reason, place=s.place
                            )
                            for s in steps
                        ],
                        actor=actor,
                    )
            except cluster_services.HistoryRefused as refused:
                self.problem(
                    HISTORY,
                    refused.place if isinstance(refused.place, int) else None,
                    "to_status",
                    f"{code}: {refused.message_text}",
                )
        self.report(93)
        self.write_plans(document)
        self.timings["write"] = time.perf_counter() - started

    def write_plans(self, document) -> None:
        actor = self.actor
        plans = dict(self.plans)
        if any(p["data"]["is_current"] for p in self.plan_rows.values()):
            for plan in DevelopmentPlan.objects.filter(province=self.province, is_current=True):
                wanted = self.plan_rows.get(fold(plan.name))
                if wanted is None or not wanted["data"]["is_current"]:
                    plan.is_current = False
                    plan._history_user = actor
                    plan.save(update_fields=["is_current", "updated_at"])
        ordered = sorted(self.plan_rows.values(), key=lambda p: p["data"]["is_current"])  # the one in force last
        for item in ordered:
            plan = item["existing"]
            if plan is None:
                plan = DevelopmentPlan(province=self.province, cluster_count=0, area_ha=Decimal(0))
            elif not item.get("changed"):
                continue
            for key, value in item["data"].items():
                setattr(plan, key, value)
            plan.document = document(item["document"]) if item["document"] else plan.document if plan.pk else None
            try:
                plan.full_clean(exclude=["amends"])
            except ValidationError as error:
                self.service_error(PLANS, item["row"], error)
                continue
            plan._history_user = actor
            plan.save()
            plans[fold(plan.name)] = plan
        for item in self.plan_rows.values():
            plan = plans[fold(item["data"]["name"])]
            amends = plans.get(fold(item["amends"])) if item["amends"] else None
            if plan.amends_id != (amends.pk if amends else None):
                plan.amends = amends
                plan._history_user = actor
                plan.save(update_fields=["amends", "updated_at"])
        touched = set()
        fresh = []  # new entries written in bulk
        for entry in self.entry_rows.values():
            plan = plans[fold(entry["plan"])]
            existing = entry["existing"]
            if existing is not None and not entry.get("changed"):
                continue
            cluster = None
            if entry["code"]:
                row = self.cluster_rows.get(entry["code"])
                cluster = row.get("cluster") if row else self.existing.get(entry["code"])
                if cluster is None and row is not None:
                    continue  # its cluster was refused: already an error
            if existing is None and self.bulk:
                try:
                    fresh.append(bulk.build_entry(plan, cluster, entry["data"]))
                except ValidationError as error:
                    self.service_error(ENTRIES, entry["row"], error)
                    continue
                touched.add(plan.pk)
                continue
            target = existing or PlanEntry(plan=plan, cluster=cluster)
            for key, value in entry["data"].items():
                setattr(target, key, value)
            try:
                target.full_clean()
            except ValidationError as error:
                self.service_error(ENTRIES, entry["row"], error)
                continue
            target._history_user = actor
            target.save()
            touched.add(plan.pk)
        if self.outcome.errors:
            return
        bulk.create_entries(fresh, actor=actor)
        # Totals follow the entries of the versions this import creates or whose entries it changes; a version
        # it leaves alone keeps its totals (typed from the decision before the entries were recorded).
        touched |= {plans[key].pk for key, item in self.plan_rows.items() if item["existing"] is None}
        for plan in DevelopmentPlan.objects.filter(pk__in=touched):
            plan_set_totals(plan, actor=actor)

    def service_error(self, sheet: str, parsed: Parsed, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                key = name if name in self.tables[sheet].columns else None
                for message in errors:
                    self.problem(sheet, parsed.number, key, message if key else f"{name}: {message}")
        else:
            for message in error.messages:
                self.problem(sheet, parsed.number, None, message)


def plan_totals(plan: DevelopmentPlan) -> tuple[int, Decimal]:
    """A plan version's clusters and planned area from its entries; withdrawn and deferred ones not counted."""
    count, area = 0, Decimal(0)
    for group, planned in plan.entries.values_list("group", "planned_area_ha"):
        if group in NOT_COUNTED_GROUPS:
            continue
        count += 1
        area += planned or 0
    return count, area.quantize(TWO)


def plan_set_totals(plan: DevelopmentPlan, *, actor) -> None:
    count, area = plan_totals(plan)
    if (plan.cluster_count, plan.area_ha) != (count, area):
        plan.cluster_count, plan.area_ha = count, area
        plan._history_user = actor
        plan.save(update_fields=["cluster_count", "area_ha", "updated_at"])


def run(
    data: bytes,
    *,
    province: Province,
    actor,
    commit: bool,
    report=None,
    synthetic: bool = False,
    confirmed: bool = False,
    keep=None,
    bulk: bool = True,
) -> Check:
    """Check (commit=False: nothing written) or import (commit=True: everything written, or nothing when any error
    remains or look-alike names are not `confirmed`). `keep(check)` records the outcome inside the transaction.
    `bulk` False writes every row through the services (the reference the bulk writer is tested against)."""
    outcome = Outcome()
    check = Check(
        province=province,
        actor=actor,
        outcome=outcome,
        report=report,
        synthetic=synthetic,
        keep_rows=commit,
        bulk=bulk,
    )
    check.report(2)
    if not check.read(data):
        if keep is not None:
            keep(check)
        return check
    with acting(actor, channel.IMPORT), transaction.atomic():
        try:
            check.run_checks()
        except Broken:  # its problem is recorded; nothing more to check
            if keep is not None:
                keep(check)
            return check
        if commit and not outcome.errors and check.lookalikes and not confirmed:
            outcome.errors.append(
                problem_at(message=_("Some names look like others (see the warnings): confirm them before importing."))
            )
        if commit and not outcome.errors:
            with transaction.atomic():
                check.write()
                if outcome.errors:
                    transaction.set_rollback(True)
        check.finish()
        if keep is not None:
            keep(check)
    check.report(100)
    return check


# --- running as a job ------------------------------------------------------------------------------------------
def process(import_id: int, *, commit: bool, report=None, job: Job | None = None):
    """Check or import one upload; the outcome, the rows and the job's end are kept in one transaction."""
    from .models import IMPORT_LIFECYCLE, RegistryImport

    record = RegistryImport.objects.select_related("province", "created_by").get(pk=import_id)
    Status = RegistryImport.Status

    def keep(check: Check) -> None:
        outcome = check.outcome
        status = Status.INVALID if outcome.errors else (Status.IMPORTED if commit else Status.VALID)
        IMPORT_LIFECYCLE.check_move(record.status, status)
        record.status, record.progress = status, 100
        record.errors, record.warnings = outcome.errors, outcome.warnings
        record.summary, record.preview = outcome.summary, outcome.preview
        record.total_rows, record.valid_rows = outcome.total_rows, outcome.valid_rows
        record.imported_at = timezone.now() if status == Status.IMPORTED else None
        record.save()
        if job is not None:
            jobs.succeed(job, {"import_id": record.pk, "status": status})

    with translation.override(record.language or settings.LANGUAGE_CODE):
        run(
            bytes(record.content),
            province=record.province,
            actor=record.created_by,
            commit=commit,
            report=report,
            confirmed=record.lookalikes_confirmed,
            keep=keep,
        )
    return record


def _job_failed(job: Job) -> None:
    from .models import RegistryImport

    running = (RegistryImport.Status.CHECKING, RegistryImport.Status.IMPORTING)
    RegistryImport.objects.filter(pk=job.params["import_id"], status__in=running).update(
        status=RegistryImport.Status.FAILED,
        progress=100,
        errors=[problem_at(message=job.message)],
        warnings=[],
        updated_at=timezone.now(),
    )


@jobs.handler(on_failure=_job_failed, atomic=False)
def import_job(job: Job, progress) -> dict:
    record = process(job.params["import_id"], commit=job.params["commit"], report=progress, job=job)
    return {"import_id": record.pk, "status": record.status}


def start(record, *, commit: bool) -> Job:
    """Check or import `record` as a background job (in the request when ICIS_JOBS_SYNC, as in tests)."""
    from .models import RegistryImport

    label = (_("Registry import: %(file)s") if commit else _("Registry check: %(file)s")) % {"file": record.filename}
    with translation.override(record.language or settings.LANGUAGE_CODE):
        job = jobs.enqueue(
            "icis.registry_io.imports.import_job",
            label=label,
            actor=record.created_by,
            params={"import_id": record.pk, "commit": commit},
        )
    RegistryImport.objects.filter(pk=record.pk).update(job=job)
    record.job = job
    return job
