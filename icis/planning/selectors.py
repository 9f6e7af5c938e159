import datetime
from decimal import Decimal

from django.utils import timezone

from icis.clusters.choices import IN_PLAN_STATES
from icis.clusters.models import Cluster

from . import indicators
from .models import AnnualPlan, AreaStatement, DevelopmentPlan

TOLERANCE_HA = Decimal("0.01")


def current_plan(province_code: str) -> DevelopmentPlan | None:
    return (
        DevelopmentPlan.objects.select_related("document")
        .prefetch_related("sources")
        .filter(province_id=province_code, is_current=True)
        .first()
    )


class PlansTotal:
    """The provinces' plans in force, summed (the national roll-up): counts and areas only."""

    name = "Tổng các phương án phát triển cụm công nghiệp của các tỉnh"
    document_id = None
    document = None

    def __init__(self, plans):
        self.plans = plans
        self.horizon_year = max(p.horizon_year for p in plans)
        self.cluster_count = sum(p.cluster_count or 0 for p in plans)
        self.area_ha = sum((p.area_ha or Decimal(0) for p in plans), Decimal(0))

    class _NoSources:
        def all(self):
            return []

    sources = _NoSources()


def current_plans_total() -> PlansTotal | None:
    """Every real province's plan in force, summed; None when no province has one."""
    plans = list(DevelopmentPlan.objects.filter(is_current=True, province__is_synthetic=False))
    return PlansTotal(plans) if plans else None


def plan_for(province_code: str | None):
    """The plan in force of a province, or (None: the national roll-up) the provinces' plans summed."""
    return current_plan(province_code) if province_code else current_plans_total()


def plan_progress(plan: AnnualPlan, *, as_of: datetime.date | None = None, clusters=None) -> list[dict]:
    """Each target of the plan with its live actual, the clusters behind it and how far it is."""
    day = as_of or timezone.localdate()
    rows = []
    for target in plan.targets.all():
        if target.indicator not in indicators.REGISTRY:
            rows.append({"target": target, "actual": None, "clusters": [], "error": "unknown indicator"})
            continue
        result = indicators.measure(
            target.indicator, year=plan.year, params=target.params, as_of=day, clusters=clusters
        )
        goal = target.target_min or target.target_max
        rows.append(
            {
                "target": target,
                "actual": result.value,
                "clusters": result.clusters,
                "method": result.method,
                "percent": min(Decimal(100), result.value / goal * 100).quantize(Decimal("1")) if goal else None,
                "met": goal is not None and result.value >= goal,
                "above_max": target.target_max is not None and result.value > target.target_max,
            }
        )
    return rows


def area_statements(cluster: Cluster) -> dict:
    """The cluster's areas as each document states them, and whether they disagree."""
    statements = list(AreaStatement.objects.filter(cluster=cluster).select_related("document"))
    areas = {s.area_ha for s in statements if s.area_ha is not None}
    if cluster.area_ha is not None:
        areas.add(cluster.area_ha)
    disagree = bool(areas) and (max(areas) - min(areas)) > TOLERANCE_HA
    return {"statements": statements, "disagree": disagree, "registry_area_ha": cluster.area_ha}


def plan_reconciliation(plan: DevelopmentPlan, *, clusters=None) -> dict:
    clusters = Cluster.objects.all() if clusters is None else clusters
    in_plan = clusters.filter(status__in=IN_PLAN_STATES)
    entries = plan.entries.select_related("cluster")
    return {
        "plan_clusters": plan.cluster_count,
        "plan_area_ha": plan.area_ha,
        "registry_clusters": in_plan.count(),
        "registry_area_ha": sum((c.area_ha or 0 for c in in_plan.only("area_ha")), Decimal(0)),
        "entries": entries,
        "entries_without_cluster": [e for e in entries if e.cluster_id is None],
    }
