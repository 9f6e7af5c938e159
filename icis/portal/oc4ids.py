"""The published clusters' infrastructure projects as an OC4IDS project package (Open Contracting for
Infrastructure Data Standard 0.9, schema in icis/portal/schema/, Apache 2.0, from
github.com/open-contracting/infrastructure).

One project per published cluster whose "project" field group is published: its identification, status
(mapped from the cluster's lifecycle), period (establishment to planned completion), location (boundary or
point, and the province), physical and financial progress (`metrics`, from the accepted progress
reports), milestones (Decree 32 Art 14 sequence), the public documents (the establishment decision) and
the infrastructure investor as a party. Nothing else: no tenant, no note, no unaccepted report.
"""

import datetime
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from icis.clusters.choices import ClusterStatus
from icis.construction.choices import MilestoneKind, ReportStatus
from icis.construction.models import Milestone, ProgressReport

from . import selectors
from .choices import FieldGroup

VERSION = "0.9"
SCHEMA_DIR = Path(__file__).parent / "schema"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

STATUS = {
    ClusterStatus.ESTABLISHED: "preparation",
    ClusterStatus.UNDER_CONSTRUCTION: "implementation",
    ClusterStatus.INFRASTRUCTURE_COMPLETE: "completion",
    ClusterStatus.OPERATING: "maintenance",
}
MILESTONE_TYPE = {
    MilestoneKind.DETAILED_PLAN: "approval",
    MilestoneKind.PROJECT_APPROVED: "approval",
    MilestoneKind.CONSTRUCTION_START: "delivery",
    MilestoneKind.WWTP_COMPLETE: "delivery",
    MilestoneKind.INFRASTRUCTURE_COMPLETE: "delivery",
    MilestoneKind.OPERATION: "delivery",
}


def _datetime(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC).isoformat().replace("+00:00", "Z")


def _prune(value):
    """Drop empty values: OC4IDS fields are optional but, when present, must not be empty or null."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (_prune(v) for v in value) if v not in (None, "", [], {})]
    return value


def prefix() -> str:
    return getattr(settings, "ICIS_OC4IDS_PREFIX", "oc4ids-icis")


def project(publication, reports: list, milestones: list) -> dict:
    cluster = publication.cluster
    geometry = selectors._geometry(cluster) if FieldGroup.LOCATION in (publication.field_groups or []) else None
    investor = cluster.investor
    accepted = [r for r in reports if r.status == ReportStatus.ACCEPTED]
    latest = accepted[-1] if accepted else None
    established = next((m.actual_on for m in milestones if m.kind == MilestoneKind.DETAILED_PLAN), None)
    planned_end = next(
        (m.planned_on for m in milestones if m.kind == MilestoneKind.INFRASTRUCTURE_COMPLETE and m.planned_on), None
    )
    metrics = []
    if accepted:
        metrics.append(
            {
                "id": "physicalProgress",
                "title": "Physical progress",
                "observations": [
                    {
                        "id": f"physicalProgress-{r.report_date.isoformat()}",
                        "period": {"startDate": _datetime(r.report_date), "endDate": _datetime(r.report_date)},
                        "measure": float(r.overall_percent),
                        "unit": {"name": "percent"},
                    }
                    for r in accepted
                    if r.overall_percent is not None
                ],
            }
        )
        financial = [r for r in accepted if r.disbursed_vnd is not None]
        if financial:
            metrics.append(
                {
                    "id": "financialProgress",
                    "title": "Financial progress (capital disbursed)",
                    "observations": [
                        {
                            "id": f"financialProgress-{r.report_date.isoformat()}",
                            "period": {"startDate": _datetime(r.report_date), "endDate": _datetime(r.report_date)},
                            "value": {"amount": r.disbursed_vnd, "currency": "VND"},
                        }
                        for r in financial
                    ],
                }
            )
    documents = []
    decision = cluster.establishment_decision
    if decision is not None:
        documents.append(
            {
                "id": f"document-{decision.pk}",
                "documentType": "projectScope",
                "title": str(decision),
                "language": "vi",
            }
        )
    if latest is not None:
        documents.append(
            {
                "id": f"progress-{latest.pk}",
                "documentType": "physicalProgressReport",
                "title": f"Progress report {latest.report_date.isoformat()}",
                "datePublished": _datetime(latest.report_date),
            }
        )
    parties = []
    if investor is not None:
        parties.append({"id": f"org-{investor.pk}", "name": investor.name, "roles": ["administrativeEntity"]})
    data = {
        "id": f"{prefix()}-{cluster.code}",
        "updated": (publication.published_at or timezone.now()).isoformat(),
        "language": "vi",
        "identifiers": [{"id": cluster.code, "scheme": "ICIS"}],
        "title": f"Hạ tầng kỹ thuật {cluster.name}",
        "description": (
            f"Infrastructure of the industrial cluster {cluster.name_ascii or cluster.name} ({cluster.province.name})."
        ),
        "status": STATUS.get(cluster.status),
        "type": "construction",
        "sector": ["economy"],
        "period": {"startDate": _datetime(established), "endDate": _datetime(planned_end)},
        "budget": {"amount": {"amount": latest.approved_capital_vnd, "currency": "VND"}}
        if latest is not None and latest.approved_capital_vnd is not None
        else None,
        "locations": [
            {
                "id": "1",
                "description": cluster.name,
                "geometry": geometry,
                "address": {"region": cluster.province.name, "countryName": "Việt Nam"},
            }
        ],
        "parties": parties,
        "metrics": metrics,
        "milestones": [
            {
                "id": m.kind,
                "title": str(MilestoneKind(m.kind).label),
                "type": MILESTONE_TYPE.get(m.kind, "delivery"),
                "dueDate": _datetime(m.planned_on),
                "dateMet": _datetime(m.actual_on),
                "status": "met" if m.actual_on else "scheduled",
            }
            for m in milestones
        ],
        "documents": documents,
    }
    return _prune(data)


def package(province: str | None = None, *, uri: str = "") -> dict:
    """The OC4IDS project package of the published projects (of one province when given)."""
    publications = [
        p
        for p in selectors.published_publications().select_related(
            "cluster__investor", "cluster__establishment_decision"
        )
        if FieldGroup.PROJECT in (p.field_groups or []) and (not province or p.cluster.province_id == province)
    ]
    ids = [p.cluster_id for p in publications]
    reports, milestones = {}, {}
    for report in ProgressReport.objects.filter(cluster_id__in=ids, status=ReportStatus.ACCEPTED).order_by(
        "report_date", "id"
    ):
        reports.setdefault(report.cluster_id, []).append(report)
    for milestone in Milestone.objects.filter(cluster_id__in=ids):
        milestones.setdefault(milestone.cluster_id, []).append(milestone)
    order = {kind: i for i, kind in enumerate(MilestoneKind.values)}
    projects = [
        project(p, reports.get(p.cluster_id, []), sorted(milestones.get(p.cluster_id, []), key=lambda m: order[m.kind]))
        for p in publications
    ]
    updated = max((p.published_at for p in publications if p.published_at), default=None) or timezone.now()
    return {
        "uri": uri or "https://example.invalid/api/public/v1/oc4ids/",
        "version": VERSION,
        "publishedDate": updated.isoformat(),
        "publisher": {"name": getattr(settings, "ICIS_PUBLISHER_NAME", "ICIS — Sở Công Thương")},
        "license": LICENSE,
        "projects": projects,
    }


@cache
def schemas() -> tuple[dict, dict]:
    package_schema = json.loads((SCHEMA_DIR / "project-package-schema.json").read_text(encoding="utf-8"))
    project_schema = json.loads((SCHEMA_DIR / "project-schema.json").read_text(encoding="utf-8"))
    return package_schema, project_schema


def validation_errors(data: dict) -> list[str]:
    """Every way `data` breaks the OC4IDS package schema (with the project schema it references)."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package_schema, project_schema = schemas()
    registry = Registry().with_resources(
        [
            (project_schema["id"], Resource.from_contents(project_schema, default_specification=DRAFT4)),
            (package_schema["id"], Resource.from_contents(package_schema, default_specification=DRAFT4)),
        ]
    )
    validator = Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
