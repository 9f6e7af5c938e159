"""What the dashboard and the summary API show: the registry against the plan."""

import datetime

from django.db.models import Count, Prefetch, Window
from django.utils import timezone

from icis.clusters import plausibility
from icis.clusters.choices import IN_PLAN_STATES, STATUS_COLOURS, ClusterStatus
from icis.clusters.models import Cluster, ClusterCommune
from icis.clusters.selectors import status_summary
from icis.environment.selectors import open_violations
from icis.planning.models import AnnualPlan
from icis.planning.selectors import plan_for, plan_progress, totals_for
from icis.tenancy.selectors import occupancy_table


def _clusters(user, province_code: str | None):
    """The clusters `user` reaches, in one province (None: every province they reach)."""
    clusters = Cluster.objects.restrict(user)
    return clusters.filter(province_id=province_code) if province_code else clusters


def registry_summary(*, user, as_of: datetime.date | None = None, province_code: str | None = None) -> dict:
    """The summary over the clusters `user` reaches in a province (None: the national roll-up, every
    province's clusters and the provinces' plans summed)."""
    summary = status_summary(as_of=as_of, clusters=_clusters(user, province_code))
    summary["province"] = province_code
    plan = plan_for(province_code)
    in_plan = [summary["by_status"][s] for s in IN_PLAN_STATES]
    summary["plan"] = None
    if plan is not None:
        totals = totals_for(plan)
        summary["plan"] = {
            "name": plan.name,
            "document": str(plan.document) if plan.document_id else None,
            "horizon_year": plan.horizon_year,
            # Computed from the version's entries (withdrawn and deferred not counted) when they are
            # recorded, else as the document states; both are shown, with a flag when they differ.
            "clusters": totals.cluster_figure,
            "area_ha": totals.area_figure,
            "computed": totals.computed,
            "stated_clusters": totals.stated_clusters,
            "stated_area_ha": totals.stated_area_ha,
            "disagree": totals.disagree,
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


def _counted(queryset, limit: int) -> tuple[int, list]:
    """How many rows `queryset` holds and its first `limit`, in one query (the count a window over the
    whole set, taken before the limit)."""
    if limit <= 0:
        return queryset.count(), []
    rows = list(queryset.annotate(_count=Window(Count("pk")))[:limit])
    return (rows[0]._count if rows else 0), rows


def needing_verification(*, user, limit: int = 12, province_code: str | None = None):
    queryset = _clusters(user, province_code).filter(needs_verification=True).select_related("legacy_district")
    return _counted(queryset, limit)


def implausible_figures(*, user, limit: int = 8, province_code: str | None = None) -> tuple[int, list[dict]]:
    """Clusters whose stored figures break a rule of Decree 32, each with the rules named, for verification."""
    links = Prefetch("commune_links", queryset=ClusterCommune.objects.select_related("commune"))
    queryset = plausibility.implausible(_clusters(user, province_code)).prefetch_related(links)
    count, clusters = _counted(queryset.order_by("sort_name", "code"), limit)
    rows = []
    for cluster in clusters:
        communes = [link.commune for link in cluster.commune_links.all()]
        rows.append({"cluster": cluster, "warnings": plausibility.warnings_for(cluster, communes)})
    return count, rows


def at_a_glance(*, user, province_code: str | None = None) -> dict:
    """What a city leader reads first: this year's plan against its targets, city-wide occupancy and
    open environmental violations, each computed live over the clusters the user reaches."""
    today = timezone.localdate()
    clusters = _clusters(user, province_code)
    # an annual plan is a province's: the national roll-up has none of its own
    plans = AnnualPlan.objects.filter(province_id=province_code) if province_code else AnnualPlan.objects.none()
    plan = plans.filter(year__lte=today.year).prefetch_related("targets").order_by("-year").first()
    city = occupancy_table(clusters=clusters, group_by="city", as_of=today)
    return {
        "annual_plan": plan,
        "targets": plan_progress(plan, as_of=today, clusters=clusters) if plan else [],
        "occupancy": city[0] if city else None,
        "open_violations": open_violations(user).count(),
    }
