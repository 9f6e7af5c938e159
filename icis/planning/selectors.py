import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icis.clusters.choices import IN_PLAN_STATES
from icis.clusters.models import Cluster

from . import indicators
from .choices import NOT_COUNTED_GROUPS, PlanGroup
from .models import AnnualPlan, AreaStatement, DevelopmentPlan, PlanEntry

TOLERANCE_HA = Decimal("0.01")


@dataclass
class PlanTotals:
    """A plan version's totals computed from its entries (withdrawn and deferred entries shown, never
    counted) beside the figures its document states. `computed` is False when the version has no
    entries yet: then only the stated figures exist, and pages say so."""

    computed: bool
    clusters: int | None
    area_ha: Decimal | None
    entries_without_area: int
    stated_clusters: int | None
    stated_area_ha: Decimal | None
    not_counted: int = 0
    by_group: dict = field(default_factory=dict)

    @property
    def clusters_disagree(self) -> bool:
        return self.computed and self.stated_clusters is not None and self.clusters != self.stated_clusters

    @property
    def area_disagrees(self) -> bool:
        return (
            self.computed
            and self.stated_area_ha is not None
            and abs((self.area_ha or Decimal(0)) - self.stated_area_ha) > TOLERANCE_HA
        )

    @property
    def disagree(self) -> bool:
        return self.clusters_disagree or self.area_disagrees

    @property
    def cluster_figure(self):
        """The count pages and reports use: computed when the entries are recorded, else as stated."""
        return self.clusters if self.computed else self.stated_clusters

    @property
    def area_figure(self):
        return self.area_ha if self.computed else self.stated_area_ha

    def as_dict(self) -> dict:
        return {
            "computed": self.computed,
            "clusters": self.clusters,
            "area_ha": self.area_ha,
            "entries_without_area": self.entries_without_area,
            "not_counted": self.not_counted,
            "stated_clusters": self.stated_clusters,
            "stated_area_ha": self.stated_area_ha,
            "clusters_disagree": self.clusters_disagree,
            "area_disagrees": self.area_disagrees,
            "by_group": self.by_group,
        }


def totals_of(entries, *, stated_clusters=None, stated_area_ha=None) -> PlanTotals:
    entries = list(entries)
    counted = [e for e in entries if e.group not in NOT_COUNTED_GROUPS]
    by_group = {}
    for group in PlanGroup.values:
        members = [e for e in entries if e.group == group]
        by_group[group] = {
            "clusters": len(members),
            "area_ha": sum((e.planned_area_ha for e in members if e.planned_area_ha is not None), Decimal(0)),
        }
    return PlanTotals(
        computed=bool(entries),
        clusters=len(counted) if entries else None,
        area_ha=sum((e.planned_area_ha for e in counted if e.planned_area_ha is not None), Decimal(0))
        if entries
        else None,
        entries_without_area=sum(1 for e in counted if e.planned_area_ha is None),
        stated_clusters=stated_clusters,
        stated_area_ha=stated_area_ha,
        not_counted=len(entries) - len(counted),
        by_group=by_group,
    )


def plan_totals(plan: DevelopmentPlan) -> PlanTotals:
    """The version's totals from its entries, beside the stated ones (from the annotations of
    `with_totals` when the plan has them: no query then, and no `by_group`)."""
    if hasattr(plan, "_entries"):
        return PlanTotals(
            computed=bool(plan._entries),
            clusters=plan._counted if plan._entries else None,
            area_ha=(plan._counted_area or Decimal(0)) if plan._entries else None,
            entries_without_area=plan._without_area,
            stated_clusters=plan.cluster_count,
            stated_area_ha=plan.area_ha,
            not_counted=plan._entries - plan._counted,
        )
    return totals_of(
        plan.entries.only("group", "planned_area_ha"), stated_clusters=plan.cluster_count, stated_area_ha=plan.area_ha
    )


def grouped_entries(plan: DevelopmentPlan) -> list[dict]:
    """The version's entries by group (in the order of PlanGroup), each group with its count and area;
    `counted` says whether the group enters the totals."""
    entries = list(plan.entries.select_related("cluster").order_by("name"))
    groups = []
    for group in PlanGroup:
        members = [e for e in entries if e.group == group]
        if members:
            groups.append(
                {
                    "group": group.value,
                    "label": group.label,
                    "counted": group not in NOT_COUNTED_GROUPS,
                    "entries": members,
                    "area_ha": sum((e.planned_area_ha or Decimal(0) for e in members), Decimal(0)),
                }
            )
    return groups


# How one cluster fares from one version to another (compare).
class Change:
    KEPT = "kept"
    AREA_CHANGED = "area_changed"
    WITHDRAWN = "withdrawn"
    ADDED = "added"
    BROUGHT_FORWARD = "brought_forward"
    DEFERRED = "deferred"

    LABELS = {
        KEPT: _("Kept"),
        AREA_CHANGED: _("Area changed"),
        WITHDRAWN: _("Withdrawn from the plan"),
        ADDED: _("Added"),
        BROUGHT_FORWARD: _("Brought forward from after the horizon"),
        DEFERRED: _("Deferred beyond the horizon"),
    }
    ORDER = (ADDED, BROUGHT_FORWARD, AREA_CHANGED, KEPT, DEFERRED, WITHDRAWN)


def _entry_key(entry: PlanEntry):
    from icis.core.text import fold

    return ("cluster", entry.cluster_id) if entry.cluster_id else ("name", fold(entry.name))


def _change(old: PlanEntry | None, new: PlanEntry | None) -> str | None:
    in_old = old is not None and old.group not in NOT_COUNTED_GROUPS
    in_new = new is not None and new.group not in NOT_COUNTED_GROUPS
    old_deferred = old is not None and old.group == PlanGroup.DEFERRED
    new_deferred = new is not None and new.group == PlanGroup.DEFERRED
    if in_old and in_new:
        if (old.planned_area_ha or Decimal(0)) != (new.planned_area_ha or Decimal(0)):
            return Change.AREA_CHANGED
        return Change.KEPT
    if in_new:
        return Change.BROUGHT_FORWARD if old_deferred else Change.ADDED
    if in_old:
        return Change.DEFERRED if new_deferred else Change.WITHDRAWN
    if old_deferred:  # still deferred, or dropped altogether
        return Change.DEFERRED if new_deferred else Change.WITHDRAWN
    if new_deferred:
        return Change.DEFERRED
    return None  # withdrawn in both, or only listed as withdrawn: nothing to compare


def compare(old: DevelopmentPlan, new: DevelopmentPlan) -> list[dict]:
    """Every cluster of either version with what became of it from `old` to `new`: kept, area changed
    (old → new), withdrawn, added, brought forward or deferred. Clusters not in the registry are
    matched by their name in the plan."""
    before = {_entry_key(e): e for e in old.entries.select_related("cluster")}
    after = {_entry_key(e): e for e in new.entries.select_related("cluster")}
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        was, now = before.get(key), after.get(key)
        change = _change(was, now)
        if change is None:
            continue
        shown = now or was
        rows.append(
            {
                "change": change,
                "label": Change.LABELS[change],
                "cluster": shown.cluster,
                "name": shown.name,
                "old_group": was.group if was else None,
                "new_group": now.group if now else None,
                "old_area_ha": was.planned_area_ha if was else None,
                "new_area_ha": now.planned_area_ha if now else None,
            }
        )
    order = {change: i for i, change in enumerate(Change.ORDER)}
    return sorted(rows, key=lambda row: (order[row["change"]], row["name"]))


def compare_summary(rows) -> list[dict]:
    return [
        {"change": change, "label": Change.LABELS[change], "count": sum(1 for r in rows if r["change"] == change)}
        for change in Change.ORDER
    ]


def with_totals(plans):
    """Plans annotated with their computed totals (read by `plan_totals` without another query)."""
    counted = ~Q(entries__group__in=NOT_COUNTED_GROUPS)
    return plans.annotate(
        _entries=Count("entries"),
        _counted=Count("entries", filter=counted),
        _counted_area=Sum("entries__planned_area_ha", filter=counted),
        _without_area=Count("entries", filter=counted & Q(entries__planned_area_ha__isnull=True)),
    )


def current_plan(province_code: str) -> DevelopmentPlan | None:
    return (
        with_totals(DevelopmentPlan.objects.select_related("document").prefetch_related("sources"))
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
        totals = [plan_totals(p) for p in plans]
        self.cluster_count = sum(t.cluster_figure or 0 for t in totals)
        self.area_ha = sum((t.area_figure or Decimal(0) for t in totals), Decimal(0))
        self.totals = PlanTotals(
            computed=all(t.computed for t in totals),
            clusters=self.cluster_count,
            area_ha=self.area_ha,
            entries_without_area=sum(t.entries_without_area for t in totals),
            stated_clusters=sum(t.stated_clusters or 0 for t in totals),
            stated_area_ha=sum((t.stated_area_ha or Decimal(0) for t in totals), Decimal(0)),
        )

    class _NoSources:
        def all(self):
            return []

    sources = _NoSources()


def current_plans_total() -> PlansTotal | None:
    """Every real province's plan in force, summed; None when no province has one."""
    plans = list(with_totals(DevelopmentPlan.objects.filter(is_current=True, province__is_synthetic=False)))
    return PlansTotal(plans) if plans else None


def totals_for(plan) -> PlanTotals:
    """The totals of a plan version, or of the national roll-up (PlansTotal)."""
    return plan.totals if isinstance(plan, PlansTotal) else plan_totals(plan)


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
    totals = plan_totals(plan)
    return {
        "totals": totals,
        "plan_clusters": totals.cluster_figure,
        "plan_area_ha": totals.area_figure,
        "registry_clusters": in_plan.count(),
        "registry_area_ha": sum((c.area_ha or 0 for c in in_plan.only("area_ha")), Decimal(0)),
        "entries": entries,
        "entries_without_cluster": [e for e in entries if e.cluster_id is None],
    }
