"""Measurable indicators that annual-plan targets name. Each one is computed live from the registry
(status changes with their real dates, tenant land) for a year, as of a date, over a set of clusters.

A target stores the indicator's key and its parameters; adding a kind of target means adding a
function here, while the figures (ranges, windows) stay data on the target.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster, StatusChange
from icis.tenancy.selectors import occupied_by_cluster


@dataclass
class Measure:
    value: Decimal
    clusters: list = field(default_factory=list)
    method: str = ""


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    function: object


REGISTRY: dict[str, Indicator] = {}


def indicator(key: str, label):
    def register(function):
        REGISTRY[key] = Indicator(key, label, function)
        return function

    return register


def _window(year: int, as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), min(as_of, datetime.date(year, 12, 31))


def _first_reached(status: str, clusters):
    """Per cluster, the first date it reached `status` (the cluster itself, not its expansions)."""
    return dict(
        StatusChange.objects.filter(cluster__in=clusters, expansion__isnull=True, to_status=status)
        .values_list("cluster_id")
        .annotate(first=Min("effective_on"))
        .order_by()
    )


@indicator("infrastructure_completed", _("Clusters whose infrastructure was completed in the year"))
def infrastructure_completed(*, year, params, as_of, clusters) -> Measure:
    """Clusters reaching `infrastructure_complete` in the year (to `as_of`), optionally only among
    those whose construction started between `started_from` and `started_to` (years)."""
    start, end = _window(year, as_of)
    completed = _first_reached(ClusterStatus.INFRASTRUCTURE_COMPLETE, clusters)
    chosen = {pk for pk, day in completed.items() if day and start <= day <= end}
    if params.get("started_from") or params.get("started_to"):
        started = _first_reached(ClusterStatus.UNDER_CONSTRUCTION, clusters)
        low, high = int(params.get("started_from", 1900)), int(params.get("started_to", 2999))
        chosen = {pk for pk in chosen if started.get(pk) and low <= started[pk].year <= high}
    rows = list(clusters.filter(pk__in=chosen).order_by("sort_name"))
    return Measure(Decimal(len(rows)), rows, "first change to infrastructure_complete dated in the year")


@indicator("established_or_expanded", _("Clusters established or expanded in the year"))
def established_or_expanded(*, year, params, as_of, clusters) -> Measure:
    """Establishment decisions for clusters and for expansions dated in the year (to `as_of`); a
    cluster established and expanded in the same year counts twice, as the plans count decisions."""
    start, end = _window(year, as_of)
    events = (
        StatusChange.objects.filter(cluster__in=clusters, to_status=ClusterStatus.ESTABLISHED)
        .filter(effective_on__gte=start, effective_on__lte=end)
        .values_list("cluster_id", "expansion_id")
        .distinct()
    )
    events = list(events)
    rows = list(clusters.filter(pk__in={c for c, _e in events}).order_by("sort_name"))
    return Measure(Decimal(len(events)), rows, "changes to established dated in the year")


@indicator("fully_occupied", _("Clusters with complete infrastructure that are fully occupied"))
def fully_occupied(*, year, params, as_of, clusters) -> Measure:
    """Clusters with infrastructure complete or operating whose computed occupancy (Decree 32
    Art 2.7) is at least `threshold` percent (default 100) on `as_of`."""
    threshold = Decimal(str(params.get("threshold", 100)))
    ready = clusters.filter(
        status__in=[ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.OPERATING], industrial_land_ha__gt=0
    )
    land = dict(ready.values_list("pk", "industrial_land_ha"))
    occupied = occupied_by_cluster(list(land), as_of)
    chosen = [pk for pk, total in land.items() if occupied.get(pk, 0) * 100 >= threshold * total]
    rows = list(clusters.filter(pk__in=chosen).order_by("sort_name"))
    return Measure(Decimal(len(rows)), rows, "occupied land ≥ threshold × industrial land")


def measure(key: str, *, year: int, params: dict, as_of: datetime.date, clusters=None) -> Measure:
    clusters = Cluster.objects.all() if clusters is None else clusters
    return REGISTRY[key].function(year=year, params=params or {}, as_of=as_of, clusters=clusters)
