"""A province's registry as the workbook the import reads: exporting it and importing it back changes nothing.

Every sheet in a fixed order (by code, plan, date), with the lookups loaded in a handful of queries whatever the
number of clusters. Labels (kinds, statuses, groups) are written in the page's language; the import reads both.
"""

import hashlib
from collections import defaultdict

from django.db.models import F, Q
from django.http import HttpResponse

from icis.clusters.choices import ClusterKind, ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.documents.models import Document, DocumentType
from icis.geo.models import Province
from icis.planning.choices import PlanGroup
from icis.planning.models import DevelopmentPlan, PlanEntry

from . import workbook
from .workbook import CLUSTERS, DOCUMENTS, ENTRIES, HISTORY, PLANS


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _doc(document) -> list:
    if document is None:
        return ["", None, ""]
    return [document.number, document.year, document.issuer]


def registry_rows(province: Province, clusters=None) -> dict[str, list[list]]:
    """The rows of each sheet for `province` (its clusters, or `clusters`, a queryset already scoped)."""
    clusters = (clusters if clusters is not None else Cluster.objects.all()).filter(province=province)
    clusters = clusters.select_related("investor").prefetch_related("legacy_communes", "sectors").order_by("code")
    ids = list(clusters.values_list("pk", flat=True))
    communes = defaultdict(list)
    links = ClusterCommune.objects.filter(cluster_id__in=ids, basis=CommuneBasis.STATED).order_by(
        "-is_lead", "commune_id"
    )
    for cluster_id, code, is_lead in links.values_list("cluster_id", "commune_id", "is_lead"):
        communes[cluster_id].append(f"{code}*" if is_lead else code)
    rows = {key: [] for key in workbook.ORDER}
    for c in clusters:
        rows[CLUSTERS].append(
            [
                c.code,
                c.name,
                c.name_ascii,
                _label(ClusterKind, c.kind),
                c.province_id,
                "; ".join(communes.get(c.pk, [])),
                c.legacy_district_id or "",
                "; ".join(sorted(x.code for x in c.legacy_communes.all())),
                c.planned_area_ha,
                c.area_ha,
                c.industrial_land_ha,
                c.investor.name if c.investor_id else "",
                c.latitude,
                c.longitude,
                "; ".join(sorted(s.code for s in c.sectors.all())),
                c.industrial_park_name,
                c.notes,
            ]
        )
    changes = (
        StatusChange.objects.filter(cluster_id__in=ids, expansion__isnull=True)
        .select_related("cluster", "document")
        .order_by("cluster__code", "id")
    )
    documents = {}
    for change in changes:
        rows[HISTORY].append(
            [
                change.cluster.code,
                _label(ClusterStatus, change.to_status),
                change.effective_on,
                *_doc(change.document),
                change.reason,
            ]
        )
        if change.document_id:
            documents[change.document_id] = change.document
    plans = (
        DevelopmentPlan.objects.filter(province=province)
        .select_related("document", "amends")
        # undated plans after dated ones on every database, as PostgreSQL sorts them (SQLite puts NULLs first)
        .order_by(F("approved_on").asc(nulls_last=True), "id")
    )
    for plan in plans:
        rows[PLANS].append(
            [
                plan.name,
                *_doc(plan.document),
                plan.approved_on,
                plan.horizon_year,
                plan.vision_year,
                "có" if plan.is_current else "không",
                plan.amends.name if plan.amends_id else "",
            ]
        )
        if plan.document_id:
            documents[plan.document_id] = plan.document
    entries = (
        PlanEntry.objects.filter(plan__province=province)
        .select_related("plan", "cluster")
        .order_by(F("plan__approved_on").asc(nulls_last=True), "plan_id", "cluster__code", "name")
    )
    for entry in entries:
        if entry.cluster_id and entry.cluster_id not in set(ids):
            continue
        rows[ENTRIES].append(
            [
                entry.plan.name,
                entry.cluster.code if entry.cluster_id else "",
                entry.name,
                _label(PlanGroup, entry.group),
                entry.planned_area_ha,
                entry.phase,
            ]
        )
    linked = (
        Document.objects.filter(Q(clusters__in=ids) | Q(pk__in=list(documents)))
        .distinct()
        .order_by("year", "number", "issuer")
    )
    for document in linked:
        rows[DOCUMENTS].append(
            [
                document.number,
                document.year,
                document.issuer,
                _label(DocumentType, document.doc_type),
                document.issued_on,
                document.summary,
            ]
        )
    return rows


def export_workbook(province: Province, *, clusters=None, language: str | None = None, title: str = "") -> bytes:
    rows = registry_rows(province, clusters)
    title = title or (
        f"ICIS registry of {province.name}"
        if workbook.english(language)
        else f"Sổ đăng ký cụm công nghiệp — {province.name}"
    )
    return workbook.write_workbook(rows, language=language, title=title)


def template_workbook(language: str | None = None) -> bytes:
    """The empty workbook: the instructions sheet and every sheet's header row."""
    return workbook.write_workbook({key: [] for key in workbook.ORDER}, language=language)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
