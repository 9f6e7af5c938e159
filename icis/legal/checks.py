"""The generic checks legal rules name. Each takes the request context and the rule's parameters and
answers a `Result`: passed, failed or cannot be assessed, with the detail in words and numbers and,
when it cannot be assessed, what is missing. Missing data is never a pass."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from icis.clusters.choices import ESTABLISHED_STATES, ClusterKind, ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune
from icis.construction.choices import Component, ReportStatus
from icis.construction.models import ComponentProgress
from icis.core import formats
from icis.dossiers import selectors as dossier_selectors
from icis.dossiers.choices import DossierKind, SelectionOutcome
from icis.environment.choices import PlantStatus
from icis.environment.models import PlantCluster
from icis.tenancy.selectors import occupied_by_cluster, rate

from .choices import Outcome
from .models import Action, AreaUnit

# How many clusters or communes a detail names before it says "and N more".
NAMES_SHOWN = 10


@dataclass
class Context:
    cluster: Cluster
    on: datetime.date
    added_area_ha: Decimal | None
    demand_ha: Decimal | None
    area_unit: str
    action: str = Action.ESTABLISH


@dataclass
class Result:
    outcome: str
    detail: str
    missing: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.outcome == Outcome.PASSED


def passed(detail: str) -> Result:
    return Result(Outcome.PASSED, detail)


def failed(detail: str) -> Result:
    return Result(Outcome.FAILED, detail)


def cannot_assess(detail: str, *missing: str) -> Result:
    return Result(Outcome.CANNOT_ASSESS, detail, list(missing) or [detail])


def either(result: bool, detail: str) -> Result:
    return passed(detail) if result else failed(detail)


CHECKS = {}


def check(name):
    def register(function):
        CHECKS[name] = function
        return function

    return register


def _ha(value) -> str:
    return formats.area(Decimal(value).quantize(Decimal("0.01"))) if value is not None else "?"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += " " + _("and %(n)s more") % {"n": len(names) - NAMES_SHOWN}
    return shown


@check("in_plan")
def in_plan(ctx: Context, params) -> Result:
    status = ctx.cluster.status
    if status == ClusterStatus.PLANNED:
        return passed(_("The cluster is in the approved development plan (status: planned)."))
    return failed(
        _("The cluster's status is '%(status)s'; only a planned cluster can be established.")
        % {"status": ctx.cluster.get_status_display()}
    )


@check("qualified_investor")
def qualified_investor(ctx: Context, params) -> Result:
    """Art 8.1b / 8.2b with Art 13.2: an applicant scored by the council, the selected one at or above
    the scheme's qualifying total (50 under Decree 32). Read from the dossier's scoring."""
    dossier = dossier_selectors.live_dossier(ctx.cluster, ctx.action)
    if dossier is None:
        return cannot_assess(
            _("No %(kind)s dossier is recorded for the cluster, so the applicants' scores are unknown.")
            % {"kind": DossierKind(ctx.action).label.lower()},
            _("the dossier with the council's scores (Art 13.2)"),
        )
    selection = dossier_selectors.selection_result(dossier)
    outcome, pass_mark = selection["outcome"], selection["pass_mark"]
    if outcome == SelectionOutcome.NO_APPLICANTS:
        return cannot_assess(
            _("The dossier of %(date)s has no applicant recorded yet.") % {"date": formats.date(dossier.opened_on)},
            _("the applicants and their scores"),
        )
    if outcome == SelectionOutcome.INCOMPLETE:
        names = [a.organisation.name for a in selection["unscored"]]
        return cannot_assess(
            _("Not yet scored: %(names)s.") % {"names": _names(names)},
            *[_("the council's four scores of %(name)s") % {"name": name} for name in names],
        )
    best = selection["ranking"][0]
    numbers = {"name": best.organisation.name, "total": _points(best.total), "pass": _points(pass_mark)}
    if outcome == SelectionOutcome.NO_QUALIFIED:
        return failed(_("Highest score %(total)s (%(name)s) is below the qualifying %(pass)s points.") % numbers)
    if outcome == SelectionOutcome.TIE:
        numbers["tied"] = ", ".join(a.organisation.name for a in selection["tied"])
        return passed(
            _("%(tied)s are tied at %(total)s points ≥ %(pass)s; the council chair chooses between them.") % numbers
        )
    winner = selection["winner"]
    numbers.update(name=winner.organisation.name, total=_points(winner.total))
    return passed(_("%(name)s is selected with %(total)s points ≥ %(pass)s.") % numbers)


def _points(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def _size_result(area: Decimal, low: Decimal, high: Decimal) -> Result:
    return either(
        low <= area <= high,
        _("Area %(area)s ha; allowed %(low)s–%(high)s ha.") % {"area": _ha(area), "low": _ha(low), "high": _ha(high)},
    )


@check("area_range")
def area_range(ctx: Context, params) -> Result:
    """Art 2.1: 10–75 ha; 5–75 ha for a craft-village cluster or a cluster in a mountainous area
    (a flag per commune, recorded with its source)."""
    cluster = ctx.cluster
    low = Decimal(str(params.get("min_ha", 10)))
    reduced = Decimal(str(params.get("min_ha_reduced", 5)))
    high = Decimal(str(params.get("max_ha", 75)))
    if cluster.area_ha is None:
        return cannot_assess(
            _("The cluster's area is not recorded; it must be between %(low)s and %(high)s ha.")
            % {"low": _ha(reduced if cluster.kind == ClusterKind.CRAFT_VILLAGE else low), "high": _ha(high)},
            _("the cluster's area"),
        )
    area = cluster.area_ha
    if cluster.kind == ClusterKind.CRAFT_VILLAGE:
        result = _size_result(area, reduced, high)
        result.detail += " " + _("Craft-village cluster: the 5 ha floor applies.")
        return result
    communes = [
        link.commune
        for link in ClusterCommune.objects.filter(cluster=cluster, basis=CommuneBasis.STATED)
        .select_related("commune")
        .order_by("commune__name")
    ]
    mountain = [c for c in communes if c.mountainous is True]
    lowland = [c for c in communes if c.mountainous is False]
    unknown = [c for c in communes if c.mountainous is None]
    if communes and len(mountain) == len(communes):
        result = _size_result(area, reduced, high)
        result.detail += " " + _("Mountainous area (%(communes)s): the 5 ha floor applies.") % {
            "communes": _names([f"{c.name} — {c.mountainous_source}" for c in mountain])
        }
        return result
    if communes and len(lowland) == len(communes):
        return _size_result(area, low, high)
    # Unknown or mixed communes: the answer stands only when both floors give the same one.
    strict, lenient = _size_result(area, low, high), _size_result(area, reduced, high)
    if strict.outcome == lenient.outcome:
        return strict
    numbers = {"area": _ha(area)}
    if not communes:
        return cannot_assess(
            _(
                "Area %(area)s ha: between the 5 ha floor of mountainous areas and the usual 10 ha, and the "
                "cluster's communes are not recorded, so it is unknown which floor applies."
            )
            % numbers,
            _("the communes the cluster lies in"),
        )
    if unknown:
        return cannot_assess(
            _(
                "Area %(area)s ha: between the 5 ha floor of mountainous areas and the usual 10 ha, and whether "
                "%(communes)s is in a mountainous area is not recorded."
            )
            % {**numbers, "communes": _names([c.name for c in unknown])},
            *[_("whether %(name)s is in a mountainous area (with its source)") % {"name": c.name} for c in unknown],
        )
    return cannot_assess(
        _(
            "Area %(area)s ha: the cluster lies partly in mountainous communes (%(mountain)s) and partly not "
            "(%(lowland)s); Art 2.1 does not say which floor (5 or 10 ha) applies then."
        )
        % {**numbers, "mountain": _names([c.name for c in mountain]), "lowland": _names([c.name for c in lowland])},
        _("a decision on which size floor applies to a cluster across mountainous and other communes"),
    )


@check("area_after_expansion_max")
def area_after_expansion_max(ctx: Context, params) -> Result:
    high = Decimal(str(params.get("max_ha", 75)))
    if ctx.cluster.area_ha is None:
        return cannot_assess(
            _("The cluster's area is not recorded, so the area after expansion cannot be checked."),
            _("the cluster's area"),
        )
    if ctx.added_area_ha is None:
        return cannot_assess(_("Give the area to add."), _("the area to add"))
    after = ctx.cluster.area_ha + ctx.added_area_ha
    detail = _("%(area)s ha + %(added)s ha = %(after)s ha; at most %(max)s ha after expansion.") % {
        "area": _ha(ctx.cluster.area_ha),
        "added": _ha(ctx.added_area_ha),
        "after": _ha(after),
        "max": _ha(high),
    }
    return either(after <= high, detail)


def _occupancy(cluster: Cluster, on) -> tuple[Decimal, Decimal | None, Decimal | None]:
    occupied = occupied_by_cluster([cluster.pk], on).get(cluster.pk, Decimal(0))
    return occupied, cluster.industrial_land_ha, rate(occupied, cluster.industrial_land_ha)


@check("occupancy_min_or_demand")
def occupancy_min_or_demand(ctx: Context, params) -> Result:
    """Art 8.2c: occupancy at least 60%, or demand for industrial land above the cluster's existing
    industrial land ("vượt quá diện tích đất công nghiệp hiện có"), not above the land still free."""
    minimum = Decimal(str(params.get("min_percent", 60)))
    occupied, land, percent = _occupancy(ctx.cluster, ctx.on)
    if percent is None:
        return cannot_assess(
            _("Industrial land is not recorded, so occupancy cannot be computed."),
            _("the cluster's industrial land (approved detailed plan)"),
        )
    numbers = {"rate": percent, "occ": _ha(occupied), "land": _ha(land), "min": minimum}
    if percent >= minimum:
        return passed(_("Occupancy %(rate)s%% (%(occ)s of %(land)s ha) ≥ %(min)s%%.") % numbers)
    if ctx.demand_ha is None:
        return failed(
            _(
                "Occupancy %(rate)s%% (%(occ)s of %(land)s ha) is below %(min)s%%, and no demand above the "
                "%(land)s ha of existing industrial land is documented."
            )
            % numbers
        )
    numbers["demand"] = _ha(ctx.demand_ha)
    if ctx.demand_ha > land:
        return passed(
            _(
                "Occupancy %(rate)s%% < %(min)s%%, but documented demand %(demand)s ha exceeds the %(land)s ha "
                "of existing industrial land."
            )
            % numbers
        )
    return failed(
        _(
            "Occupancy %(rate)s%% (%(occ)s of %(land)s ha) is below %(min)s%%, and the documented demand "
            "%(demand)s ha does not exceed the %(land)s ha of existing industrial land."
        )
        % numbers
    )


def _area_unit_clusters(ctx: Context):
    others = Cluster.objects.filter(status__in=ESTABLISHED_STATES).exclude(pk=ctx.cluster.pk)
    if ctx.area_unit == AreaUnit.COMMUNE:
        communes = ClusterCommune.objects.filter(cluster=ctx.cluster).values("commune_id")
        return others.filter(pk__in=ClusterCommune.objects.filter(commune_id__in=communes).values("cluster_id"))
    if ctx.area_unit == AreaUnit.LEGACY_DISTRICT:
        return others.filter(legacy_district_id=ctx.cluster.legacy_district_id)
    return others.filter(province_id=ctx.cluster.province_id)


@check("area_unit_occupancy_or_unleased")
def area_unit_occupancy_or_unleased(ctx: Context, params) -> Result:
    """Art 8.1c: where the area unit already has established clusters, their average occupancy above
    the threshold, or their unleased industrial land at most the ceiling. Established clusters without
    industrial land make the test impossible: they are named, never left out."""
    min_avg = Decimal(str(params.get("min_average_percent", 50)))
    max_free = Decimal(str(params.get("max_unleased_ha", 100)))
    unit = AreaUnit(ctx.area_unit).label
    clusters = list(_area_unit_clusters(ctx).order_by("name").values_list("pk", "name", "industrial_land_ha"))
    if not clusters:
        return passed(_("No established cluster in the same %(unit)s: the condition does not apply.") % {"unit": unit})
    without = [name for _pk, name, land in clusters if land is None]
    if without:
        return cannot_assess(
            _(
                "%(n)s of the %(total)s established clusters in the %(unit)s have no industrial land recorded "
                "(%(names)s), so their average occupancy and unleased land cannot be computed."
            )
            % {"n": len(without), "total": len(clusters), "unit": unit, "names": _names(without)},
            *[_("the industrial land of %(name)s") % {"name": name} for name in without],
        )
    occupied = occupied_by_cluster([pk for pk, _name, _land in clusters], ctx.on)
    land = sum((value for _pk, _name, value in clusters), Decimal(0))
    taken = sum(occupied.values(), Decimal(0))
    average = rate(taken, land)
    free = land - taken
    ok = (average is not None and average > min_avg) or free <= max_free
    return either(
        ok,
        _(
            "%(n)s existing clusters in the %(unit)s: average occupancy %(avg)s%% (must be > %(min)s%%) or "
            "unleased industrial land %(free)s ha (must be ≤ %(max)s ha)."
        )
        % {"n": len(clusters), "unit": unit, "avg": average, "min": min_avg, "free": _ha(free), "max": _ha(max_free)},
    )


@check("infrastructure_in_use")
def infrastructure_in_use(ctx: Context, params) -> Result:
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
    # Components by their label ("Đường giao thông nội bộ 0%"), never the stored code ("internal_roads").
    labels = dict(Component.choices)
    parts = [
        _("%(component)s %(percent)s%%") % {"component": labels.get(c, c), "percent": latest.get(c, 0)}
        for c in components
    ]
    parts.append(_("central wastewater plant operating") if plant else _("no operating central wastewater plant"))
    ok = not missing and (plant or not params.get("wastewater", True))
    return either(ok, "; ".join(parts) + ".")


def run(name: str, ctx: Context, params: dict) -> Result:
    if name not in CHECKS:
        return cannot_assess(
            _("Unknown check '%(name)s' in the rule set.") % {"name": name}, _("a known check for this rule")
        )
    return CHECKS[name](ctx, params or {})
