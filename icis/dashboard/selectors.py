"""What the dashboard and the summary API show: the registry against the plan."""

import datetime

from django.conf import settings

from icis.clusters.choices import IN_PLAN_STATES, STATUS_COLOURS, ClusterStatus
from icis.clusters.models import Cluster
from icis.clusters.selectors import status_summary
from icis.planning.selectors import current_plan


def registry_summary(*, user, as_of: datetime.date | None = None) -> dict:
    """The summary over the clusters `user` reaches (everything for city-wide roles)."""
    summary = status_summary(as_of=as_of, clusters=Cluster.objects.restrict(user))
    plan = current_plan(settings.ICIS_PROVINCE_CODE)
    in_plan = [summary["by_status"][s] for s in IN_PLAN_STATES]
    summary["plan"] = None
    if plan is not None:
        summary["plan"] = {
            "name": plan.name,
            "document": str(plan.document) if plan.document_id else None,
            "horizon_year": plan.horizon_year,
            "clusters": plan.cluster_count,
            "area_ha": plan.area_ha,
            "registry_clusters": sum(row["count"] for row in in_plan),
            "registry_area_ha": sum(row["area_ha"] for row in in_plan),
            "sources": [str(source) for source in plan.sources.all()],
        }
    return summary


def status_rows(summary: dict) -> list[dict]:
    return [
        {"status": status, "label": ClusterStatus(status).label, "colour": STATUS_COLOURS[status], **row}
        for status, row in summary["by_status"].items()
    ]


def needing_verification(*, user, limit: int = 12):
    queryset = Cluster.objects.restrict(user).filter(needs_verification=True).select_related("legacy_district")
    return queryset.count(), list(queryset[:limit])
