"""The generic checks legal rules name. Each takes the cluster, the rule's parameters and the
request context and answers (passed, detail in words with its numbers)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from icis.clusters.choices import ESTABLISHED_STATES, ClusterKind, ClusterStatus
from icis.clusters.models import Cluster, ClusterCommune
from icis.construction.choices import ReportStatus
from icis.construction.models import ComponentProgress
from icis.environment.choices import PlantStatus
from icis.environment.models import PlantCluster
from icis.tenancy.selectors import occupied_by_cluster, rate

from .models import AreaUnit


@dataclass
class Context:
    cluster: Cluster
    on: datetime.date
    added_area_ha: Decimal | None
    demand_ha: Decimal | None
    area_unit: str


CHECKS = {}


def check(name):
    def register(function):
        CHECKS[name] = function
        return function

    return register


def _ha(value) -> str:
    return format(Decimal(value).quantize(Decimal("0.01")).normalize(), "f") if value is not None else "?"


@check("in_plan")
def in_plan(ctx: Context, params) -> tuple[bool, str]:
    status = ctx.cluster.status
    if status == ClusterStatus.PLANNED:
        return True, _("The cluster is in the approved development plan (status: planned).")
    return False, _("The cluster's status is '%(status)s'; only a planned cluster can be established.") % {
        "status": ctx.cluster.get_status_display()
    }


@check("qualified_investor")
def qualified_investor(ctx: Context, params) -> tuple[bool, str]:
    if ctx.cluster.investor_id:
        return True, _("Infrastructure investor recorded: %(investor)s.") % {"investor": ctx.cluster.investor}
    return False, _("No qualified infrastructure investor is recorded (selection by scoring, ≥ 50 points).")


@check("area_range")
def area_range(ctx: Context, params) -> tuple[bool, str]:
    area = ctx.cluster.area_ha
    low = Decimal(str(params.get("min_ha", 10)))
    if ctx.cluster.kind == ClusterKind.CRAFT_VILLAGE or params.get("mountainous"):
        low = Decimal(str(params.get("min_ha_reduced", 5)))
    high = Decimal(str(params.get("max_ha", 75)))
    if area is None:
        return False, _("The cluster's area is not recorded; it must be between %(low)s and %(high)s ha.") % {
            "low": _ha(low),
            "high": _ha(high),
        }
    ok = low <= area <= high
    return ok, _("Area %(area)s ha; allowed %(low)s–%(high)s ha.") % {
        "area": _ha(area),
        "low": _ha(low),
        "high": _ha(high),
    }


@check("area_after_expansion_max")
def area_after_expansion_max(ctx: Context, params) -> tuple[bool, str]:
    high = Decimal(str(params.get("max_ha", 75)))
    if ctx.cluster.area_ha is None:
        return False, _("The cluster's area is not recorded, so the area after expansion cannot be checked.")
    if ctx.added_area_ha is None:
        return False, _("Give the area to add (added_area_ha).")
    after = ctx.cluster.area_ha + ctx.added_area_ha
    ok = after <= high
    detail = _("%(area)s ha + %(added)s ha = %(after)s ha; at most %(max)s ha after expansion.") % {
        "area": _ha(ctx.cluster.area_ha),
        "added": _ha(ctx.added_area_ha),
        "after": _ha(after),
        "max": _ha(high),
    }
    return ok, detail


def _occupancy(cluster: Cluster, on) -> tuple[Decimal, Decimal | None, Decimal | None]:
    occupied = occupied_by_cluster([cluster.pk], on).get(cluster.pk, Decimal(0))
    return occupied, cluster.industrial_land_ha, rate(occupied, cluster.industrial_land_ha)


@check("occupancy_min_or_demand")
def occupancy_min_or_demand(ctx: Context, params) -> tuple[bool, str]:
    minimum = Decimal(str(params.get("min_percent", 60)))
    occupied, land, percent = _occupancy(ctx.cluster, ctx.on)
    if percent is None:
        return False, _("Industrial land is not recorded, so occupancy cannot be computed.")
    if percent >= minimum:
        return True, _("Occupancy %(rate)s%% (%(occ)s of %(land)s ha) ≥ %(min)s%%.") % {
            "rate": percent,
            "occ": _ha(occupied),
            "land": _ha(land),
            "min": minimum,
        }
    free = land - occupied
    if ctx.demand_ha is not None and ctx.demand_ha > free:
        return True, _(
            "Occupancy %(rate)s%% < %(min)s%%, but documented demand %(demand)s ha exceeds the %(free)s ha still free."
        ) % {"rate": percent, "min": minimum, "demand": _ha(ctx.demand_ha), "free": _ha(free)}
    return False, _(
        "Occupancy %(rate)s%% (%(occ)s of %(land)s ha) is below %(min)s%%, and no demand above the "
        "%(free)s ha still free is documented."
    ) % {"rate": percent, "occ": _ha(occupied), "land": _ha(land), "min": minimum, "free": _ha(free)}


def _area_unit_clusters(ctx: Context):
    others = Cluster.objects.filter(status__in=ESTABLISHED_STATES).exclude(pk=ctx.cluster.pk)
    if ctx.area_unit == AreaUnit.COMMUNE:
        communes = ClusterCommune.objects.filter(cluster=ctx.cluster).values("commune_id")
        return others.filter(pk__in=ClusterCommune.objects.filter(commune_id__in=communes).values("cluster_id"))
    if ctx.area_unit == AreaUnit.LEGACY_DISTRICT:
        return others.filter(legacy_district_id=ctx.cluster.legacy_district_id)
    return others.filter(province_id=ctx.cluster.province_id)


@check("area_unit_occupancy_or_unleased")
def area_unit_occupancy_or_unleased(ctx: Context, params) -> tuple[bool, str]:
    """Existing clusters of the area unit: average occupancy above the threshold, or little unleased land."""
    min_avg = Decimal(str(params.get("min_average_percent", 50)))
    max_free = Decimal(str(params.get("max_unleased_ha", 100)))
    unit = AreaUnit(ctx.area_unit).label
    clusters = list(
        _area_unit_clusters(ctx).exclude(industrial_land_ha__isnull=True).values_list("pk", "industrial_land_ha")
    )
    if not clusters:
        return True, _("No established cluster with industrial land in the same %(unit)s: the test does not apply.") % {
            "unit": unit
        }
    occupied = occupied_by_cluster([pk for pk, _land in clusters], ctx.on)
    land = sum((value for _pk, value in clusters), Decimal(0))
    taken = sum(occupied.values(), Decimal(0))
    average = rate(taken, land)
    free = land - taken
    ok = (average is not None and average > min_avg) or free <= max_free
    return ok, _(
        "%(n)s existing clusters in the %(unit)s: average occupancy %(avg)s%% (must be > %(min)s%%) or "
        "unleased industrial land %(free)s ha (must be ≤ %(max)s ha)."
    ) % {"n": len(clusters), "unit": unit, "avg": average, "min": min_avg, "free": _ha(free), "max": _ha(max_free)}


@check("infrastructure_in_use")
def infrastructure_in_use(ctx: Context, params) -> tuple[bool, str]:
    """Internal roads, water supply (100% in the latest accepted progress report) and an operating
    central wastewater plant serving the cluster."""
    components = params.get("components", ["internal_roads", "water_supply"])
    latest = {}
    for component, percent in (
        ComponentProgress.objects.filter(
            report__cluster=ctx.cluster,
            report__status=ReportStatus.ACCEPTED,
            report__report_date__lte=ctx.on,
            component__in=components,
        )
        .order_by("component", "-report__report_date", "-report_id")
        .values_list("component", "percent")
    ):
        latest.setdefault(component, percent)
    missing = [c for c in components if latest.get(c, 0) < 100]
    plant = PlantCluster.objects.filter(cluster=ctx.cluster, plant__status=PlantStatus.OPERATING).exists()
    parts = [_("%(component)s %(percent)s%%") % {"component": c, "percent": latest.get(c, 0)} for c in components]
    parts.append(_("central wastewater plant operating") if plant else _("no operating central wastewater plant"))
    ok = not missing and (plant or not params.get("wastewater", True))
    return ok, "; ".join(parts) + "."


def run(name: str, ctx: Context, params: dict) -> tuple[bool, str]:
    if name not in CHECKS:
        return False, _("Unknown check '%(name)s' in the rule set.") % {"name": name}
    return CHECKS[name](ctx, params or {})
