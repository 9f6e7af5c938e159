"""The clusters a user may see as GeoJSON features, with the figures each colouring of the map needs.

Occupancy is a cluster-level figure (shown to whoever sees the cluster, as on its page); progress and
violations come from the reports and violations the user may see (`restrict`).
"""

import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from icis.clusters.choices import STATUS_COLOURS, ClusterStatus
from icis.clusters.models import Cluster
from icis.construction.choices import ReportStatus
from icis.construction.models import ProgressReport
from icis.environment.choices import ViolationStatus
from icis.environment.models import PlantCluster, Violation, WastewaterPlant
from icis.tenancy.selectors import occupied_by_cluster, rate

COLOUR_BY = ("status", "occupancy", "progress", "compliance")
OPEN_VIOLATION = (ViolationStatus.OPEN, ViolationStatus.CORRECTED)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _geometry(cluster: Cluster) -> dict | None:
    """The cluster's boundary when it has one, else its point, else None (not placed yet)."""
    if cluster.boundary:
        boundary = cluster.boundary
        return boundary.get("geometry") if boundary.get("type") == "Feature" else boundary
    if cluster.latitude is not None and cluster.longitude is not None:
        return {"type": "Point", "coordinates": [float(cluster.longitude), float(cluster.latitude)]}
    return None


def _latest_progress(user, cluster_ids: list[int]) -> dict[int, Decimal]:
    latest = (
        ProgressReport.objects.restrict(user)
        .filter(cluster=OuterRef("pk"), status=ReportStatus.ACCEPTED)
        .order_by("-report_date", "-id")
        .values("overall_percent")[:1]
    )
    rows = Cluster.objects.filter(pk__in=cluster_ids).annotate(progress=Subquery(latest)).values_list("pk", "progress")
    return {pk: progress for pk, progress in rows if progress is not None}


def _compliance(user, cluster_ids: list[int]) -> tuple[dict[int, int], set[int]]:
    """Open wastewater violations per cluster, and the clusters served by a plant the user may see."""
    violations = (
        Violation.objects.restrict(user)
        .filter(status__in=OPEN_VIOLATION, plant__cluster_links__cluster_id__in=cluster_ids)
        .values("plant__cluster_links__cluster_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    open_by_cluster = {row["plant__cluster_links__cluster_id"]: row["n"] for row in violations}
    served = set(
        PlantCluster.objects.filter(cluster_id__in=cluster_ids, plant__in=_plants_in_scope(user)).values_list(
            "cluster_id", flat=True
        )
    )
    return open_by_cluster, served


def _plants_in_scope(user):
    return WastewaterPlant.objects.restrict(user).values("pk")


def feature_collection(clusters, *, user, day: datetime.date | None = None) -> dict:
    """`clusters` (already restricted and filtered) as a GeoJSON FeatureCollection; clusters with no
    position yet are listed under `unplaced` so the map can say how many it cannot draw."""
    day = day or timezone.localdate()
    rows = list(
        clusters.select_related(None)
        .prefetch_related(None)
        .order_by("sort_name", "pk")
        .only("pk", "code", "name", "status", "area_ha", "industrial_land_ha", "latitude", "longitude", "boundary")
    )
    ids = [c.pk for c in rows]
    occupied = occupied_by_cluster(ids, day)  # a cluster-level figure, as on the cluster page
    progress = _latest_progress(user, ids)
    open_violations, served = _compliance(user, ids)
    features, unplaced = [], []
    for cluster in rows:
        url = reverse("clusters:cluster_detail", args=[cluster.pk])
        geometry = _geometry(cluster)
        if geometry is None:
            unplaced.append({"code": cluster.code, "name": cluster.name, "url": url})
            continue
        occupancy = rate(occupied.get(cluster.pk, Decimal("0")), cluster.industrial_land_ha)
        features.append(
            {
                "type": "Feature",
                "id": cluster.code,
                "geometry": geometry,
                "properties": {
                    "code": cluster.code,
                    "name": cluster.name,
                    "status": cluster.status,
                    "status_label": str(ClusterStatus(cluster.status).label),
                    "status_colour": STATUS_COLOURS[cluster.status],
                    "area_ha": _number(cluster.area_ha),
                    "industrial_land_ha": _number(cluster.industrial_land_ha),
                    "occupancy_percent": _number(occupancy),
                    "progress_percent": _number(progress.get(cluster.pk)),
                    "open_violations": open_violations.get(cluster.pk, 0),
                    "has_plant": cluster.pk in served,
                    "url": url,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "unplaced": unplaced, "as_of": day.isoformat()}
