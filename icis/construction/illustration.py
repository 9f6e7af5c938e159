"""Illustrative construction data for looking at the pages: made-up clusters, never real ones.

No public source gives progress figures for Hanoi's real clusters, so none is invented for them.
Instead this creates 43 clusters named "Cụm minh họa NN", marked synthetic, established 2018–2020,
whose states on 30/06/2024 match the counts of seed 000 (24 under construction of which 5 complete
and 6 at about 90 %, 19 not started), with made-up reports, milestones, obstacles and a visit plan.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.core.audit import acting
from icis.documents.models import Document, DocumentType
from icis.geo.models import Province

from . import services
from .choices import MilestoneKind, ObstacleStatus
from .models import Obstacle, VisitPlan
from .selectors import add_months

CODE_PREFIX = "MH-"
LABEL = "(minh họa)"
NOTE = "Dữ liệu minh họa do lệnh load_construction_illustration tạo ra; không phải số liệu thật."
D = datetime.date


def _reports(cluster, actor, history):
    for on, percent in history:
        report = services.progress_report_submit(
            cluster=cluster,
            data={
                "report_date": on,
                "overall_percent": Decimal(str(percent)),
                "disbursed_vnd": int(percent * 2_500_000_000),
                "approved_capital_vnd": 300_000_000_000,
                "remarks": NOTE,
            },
            components={"internal_roads": min(100, percent + 10), "wastewater": max(0, percent - 15)},
            actor=actor,
        )
        services.progress_report_accept(report=report, actor=actor, note=NOTE)


def _history(start: D, end: D, first: float, last: float, steps: int):
    span = (end - start).days
    return [
        (start + datetime.timedelta(days=span * i // (steps - 1)), round(first + (last - first) * i / (steps - 1)))
        for i in range(steps)
    ]


@transaction.atomic
def illustration_load(*, actor) -> dict:
    if Cluster.objects.filter(code__startswith=CODE_PREFIX).exists():
        return {"created": 0}
    province = Province.objects.get(code="01")
    document, _created = Document.objects.get_or_create(
        number="MH-1/BC-MINHHOA",
        year=2024,
        issuer="Dữ liệu minh họa ICIS",
        defaults={"doc_type": DocumentType.REPORT, "summary": NOTE},
    )
    created = 0
    with acting(actor):
        for index in range(43):
            established = D(2018 + index % 3, 1 + index % 12, 15)
            cluster = cluster_services.cluster_create(
                data={
                    "code": f"{CODE_PREFIX}{index + 1:02d}",
                    "name": f"Cụm minh họa {index + 1:02d} {LABEL}",
                    "province": province,
                    "area_ha": Decimal(10 + index % 40),
                    "notes": NOTE,
                },
                actor=actor,
                status=ClusterStatus.PLANNED,
                status_date=D(2016, 6, 1),
                reason=NOTE,
                is_synthetic=True,
            )
            created += 1
            steps = [(ClusterStatus.ESTABLISHED, established)]
            if index < 20:
                steps.append((ClusterStatus.UNDER_CONSTRUCTION, D(2021 + index % 3, 5, 1)))
            elif index < 24:
                steps.append((ClusterStatus.UNDER_CONSTRUCTION, D(2024, 3, 15)))
            if index < 5:
                steps.append((ClusterStatus.INFRASTRUCTURE_COMPLETE, D(2023, 9, 1)))
            for status, when in steps:
                cluster = cluster_services.cluster_transition(
                    cluster=cluster, to_status=status, effective_on=when, reason=NOTE, actor=actor
                )
            start = steps[1][1] if len(steps) > 1 else None
            services.milestone_set(
                cluster=cluster,
                kind=MilestoneKind.CONSTRUCTION_START,
                planned_on=D(established.year + 1, established.month, 1),
                actual_on=start,
                notes=NOTE,
                actor=actor,
            )
            services.milestone_set(
                cluster=cluster,
                kind=MilestoneKind.INFRASTRUCTURE_COMPLETE,
                planned_on=D(established.year + 4, 12, 31),
                actual_on=D(2023, 9, 1) if index < 5 else None,
                notes=NOTE,
                actor=actor,
            )
            if index < 5:
                _reports(cluster, actor, _history(start, D(2023, 8, 20), 10, 100, 5))
            elif index < 11:  # about 90 % by mid-2024, complete or nearly so by 2026
                _reports(cluster, actor, _history(start, D(2024, 6, 20), 5, 90 + index % 3, 5))
                _reports(cluster, actor, [(D(2025, 6, 20), 96), (D(2026, 6, 20), 99)])
            elif index < 13:  # stalled since 2023
                _reports(cluster, actor, _history(start, add_months(start, 10), 5, 35, 4))
                _reports(cluster, actor, [(add_months(start, 24), 35)])
            elif index < 20:  # steady, some accelerating
                _reports(cluster, actor, _history(start, D(2024, 6, 10), 5, 30 + index, 4))
                _reports(cluster, actor, [(D(2025, 6, 10), 50 + index), (D(2026, 6, 10), 60 + 2 * index)])
            elif index < 24:  # began H1 2024
                _reports(cluster, actor, [(D(2024, 6, 25), 5), (D(2025, 6, 25), 25), (D(2026, 6, 25), 45)])
            if index in (11, 14, 21, 30):
                obstacle = services.obstacle_create(
                    cluster=cluster,
                    data={
                        "category": ["land_clearance", "capital", "land_procedures", "investment_procedures"][
                            index % 4
                        ],
                        "description": f"Vướng mắc minh họa {LABEL}: {NOTE}",
                        "responsible_agency": "UBND xã (minh họa)",
                        "raised_on": D(2025, 3, 1),
                        "due_on": D(2025, 9, 30) if index != 21 else D(2027, 3, 31),
                        "requested_direction": "Đề nghị UBND Thành phố chỉ đạo (minh họa).",
                        "source_document": document,
                    },
                    actor=actor,
                )
                if index == 30:
                    services.obstacle_update(obstacle=obstacle, data={}, status=ObstacleStatus.ESCALATED, actor=actor)
    return {"created": created, "obstacles": Obstacle.objects.filter(cluster__code__startswith=CODE_PREFIX).count()}


@transaction.atomic
def illustration_remove() -> int:
    clusters = Cluster.objects.filter(code__startswith=CODE_PREFIX, is_synthetic=True)
    ids = list(clusters.values_list("pk", flat=True))
    from .models import Milestone, PlannedVisit, ProgressReport, VisitRecord

    VisitRecord.objects.filter(cluster_id__in=ids).delete()
    PlannedVisit.objects.filter(cluster_id__in=ids).delete()
    VisitPlan.objects.filter(visits__isnull=True).delete()
    Obstacle.objects.filter(cluster_id__in=ids).delete()
    Milestone.objects.filter(cluster_id__in=ids).delete()
    ProgressReport.objects.filter(cluster_id__in=ids).delete()
    return clusters.delete()[1].get("clusters.Cluster", 0)
