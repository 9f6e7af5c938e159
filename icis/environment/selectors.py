"""Reads that judge, aggregate or serve more than one interface: plant standing on a date, the
environment indicators (Circular 14 items 13–14 and 26–27, the province's new-cluster rule), the board, the chart."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import DateField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icis.clusters.choices import ESTABLISHED_STATES, ClusterStatus
from icis.clusters.models import Cluster, StatusChange
from icis.core import formats
from icis.core.scoping import home_province_code
from icis.geo.models import ProvinceSettings
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import TenantProject

from . import kept
from .choices import BUILT, BUILT_OR_BUILDING, Outcome, PlantStatus, SampleOrigin, SamplePoint, ViolationStatus
from .compliance import Catalogue, plain, propose_factors
from .models import (
    FactorBand,
    MonitoringRequirement,
    PlantCluster,
    PlantStatusChange,
    Regulation,
    Sample,
    TenantConnection,
    Violation,
    WastewaterPlant,
)
from .periods import period_containing

DEFAULT_GRACE_DAYS = MonitoringRequirement._meta.get_field("grace_days").default
GONE = (ClusterStatus.REVOKED, ClusterStatus.REMOVED, ClusterStatus.CONVERTED_TO_PARK)


def plant_list() -> QuerySet[WastewaterPlant]:
    return WastewaterPlant.objects.select_related("operator", "permit").prefetch_related(
        Prefetch("cluster_links", queryset=PlantCluster.objects.select_related("cluster"))
    )


def plant_detail() -> QuerySet[WastewaterPlant]:
    return plant_list().prefetch_related("phases", "requirements")


def _status_then(day: datetime.date) -> Subquery:
    return Subquery(
        PlantStatusChange.objects.filter(plant=OuterRef("pk"), effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .values("to_status")[:1]
    )


def _cluster_status_then(day: datetime.date) -> Subquery:
    return Subquery(
        StatusChange.objects.filter(cluster=OuterRef("pk"), expansion__isnull=True, effective_on__lte=day)
        .order_by("-effective_on", "-id")
        .values("to_status")[:1]
    )


def _established_on() -> Subquery:
    """The first dated change of the cluster into an established state."""
    return Subquery(
        StatusChange.objects.filter(
            cluster=OuterRef("pk"),
            expansion__isnull=True,
            to_status__in=ESTABLISHED_STATES,
            effective_on__isnull=False,
        )
        .order_by("effective_on", "id")
        .values("effective_on")[:1]
    )


def sample_cutoff(day: datetime.date, months: int, grace_days: int) -> datetime.date:
    """The earliest date a sample may bear to still count on `day`: the start of the latest period
    whose deadline (end + grace days) has passed. The same rule as the missing-report check."""
    start, end = period_containing(day, months)
    try:
        while end + datetime.timedelta(days=grace_days) >= day:
            start, end = period_containing(start - datetime.timedelta(days=1), months)
    except OverflowError:  # before year 1: nothing can be that old
        return datetime.date.min
    return start


@dataclass
class Standing:
    """Whether a plant meets the effluent standard on a day, and why."""

    plant: WastewaterPlant | None  # None when judged from plain values only (`plant_judgements`)
    status: str | None  # on the day (None: not yet in the registry)
    meets: bool = False
    reason: str = ""  # compliant, exceeded, indeterminate, no_sample, not_built, suspended
    # the latest periodic outlet sample by the day, for a built plant not suspended (whether or not it counts)
    sample_id: int | None = None
    sampled_on: datetime.date | None = None
    outcome: str | None = None  # the latest sample's overall verdict (`Judgement.outcome`), when it counts
    cutoff: datetime.date | None = None

    @property
    def built_or_building(self) -> bool:
        return self.status in BUILT_OR_BUILDING

    @property
    def reason_label(self) -> str:
        labels = {
            "compliant": _("latest outlet sample compliant"),
            "exceeded": _("latest outlet sample exceeds a limit"),
            "indeterminate": _("latest outlet sample cannot be judged"),
            "no_sample": _("no periodic outlet sample since %(date)s")
            if self.sample_id
            else _("no periodic outlet sample recorded"),
            "not_built": _("not built"),
            "suspended": _("suspended"),
        }
        text = str(labels.get(self.reason, self.reason))
        return text % {"date": formats.date(self.cutoff)} if "%(date)s" in text and self.cutoff else text


# the columns `_with_facts` adds, in the order `_judge` reads them
FACTS = ("status_then", "latest_sample_id", "latest_sampled_on", "running_months", "running_grace")


def _with_facts(plants: QuerySet, day: datetime.date) -> QuerySet:
    """`plants` with what their standing on `day` depends on, as columns of the one query: the status then,
    the latest periodic outlet sample by then (id and date) and the months and grace days of the most
    frequent monitoring requirement running on the day (among equals, the first by start and id)."""
    latest = Sample.objects.filter(
        plant=OuterRef("pk"), point=SamplePoint.OUTLET, origin=SampleOrigin.PERIODIC, sampled_on__lte=day
    ).order_by("-sampled_on", "-id")
    running = (
        MonitoringRequirement.objects.filter(plant=OuterRef("pk"), starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("frequency_months", "starts_on", "id")
    )
    return plants.annotate(
        status_then=_status_then(day),
        latest_sample_id=Subquery(latest.values("pk")[:1]),
        latest_sampled_on=Subquery(latest.values("sampled_on")[:1]),
        running_months=Subquery(running.values("frequency_months")[:1]),
        running_grace=Subquery(running.values("grace_days")[:1]),
    )


def _judge(rows, day: datetime.date) -> dict[int, Standing]:
    """The judging: each row (plant or None, pk, then the `FACTS` values) of a plant in the registry on `day`
    as a `Standing`, the samples that count judged with their kept verdicts (`kept.outcomes`: two queries
    when none must be recomputed). A plant not yet in the registry (no status then) is left out; it is
    tested here, where a WHERE on the status would make the database run the subquery again."""
    cutoffs: dict[tuple[int, int], datetime.date] = {}
    standings, judged = {}, []
    for plant, pk, status, sample_id, sampled_on, months, grace in rows:
        if status is None:
            continue
        standing = Standing(plant=plant, status=status)
        standings[pk] = standing
        if status not in BUILT:
            standing.reason = "not_built"
            continue
        if status == PlantStatus.SUSPENDED:
            standing.reason = "suspended"
            continue
        wanted = (
            (months, grace) if months is not None else (settings.ICIS_MONITORING_DEFAULT_MONTHS, DEFAULT_GRACE_DAYS)
        )
        if wanted not in cutoffs:
            cutoffs[wanted] = sample_cutoff(day, *wanted)
        standing.cutoff = cutoffs[wanted]
        standing.sample_id, standing.sampled_on = sample_id, sampled_on
        if sample_id is None or sampled_on < standing.cutoff:
            standing.reason = "no_sample"
            continue
        judged.append(standing)
    outcomes = kept.outcomes(s.sample_id for s in judged)
    for standing in judged:
        standing.outcome = outcomes[standing.sample_id]
        standing.meets = standing.outcome == Outcome.COMPLIANT
        standing.reason = (
            standing.outcome if standing.outcome in (Outcome.COMPLIANT, Outcome.EXCEEDED) else "indeterminate"
        )
    return standings


def plant_standings(plants: QuerySet, day: datetime.date, catalogue: Catalogue | None = None) -> dict[int, Standing]:
    """Standing of every plant of `plants` that existed on `day`, in the order of `plants`, each with its
    plant object: one query for the plants and their facts, and the kept verdicts' two (a constant few more
    when some must be recomputed), whatever the number of plants. `catalogue` is not needed any more (kept
    for the callers that pass one)."""
    return _judge(((p, p.pk, *(getattr(p, name) for name in FACTS)) for p in _with_facts(plants, day)), day)


def plant_judgements(plants: QuerySet, day: datetime.date) -> dict[int, Standing]:
    """`plant_standings` from plain values, without the plant objects (`Standing.plant` is None), in no
    particular order: what the counted summary needs."""
    rows = _with_facts(plants.order_by(), day).values_list("pk", *FACTS)
    return _judge(((None, *row) for row in rows), day)


@dataclass
class ClusterRow:
    cluster: Cluster
    status: str | None
    established_on: datetime.date | None
    plants: list[Standing] = field(default_factory=list)

    @property
    def item_13(self) -> int:
        """Circular 14 Form 02 item 13: a central WWTP built or under construction."""
        return int(any(s.built_or_building for s in self.plants))

    @property
    def item_14(self) -> int:
        """Circular 14 Form 02 item 14: a central WWTP meeting the environmental standard."""
        return int(any(s.meets for s in self.plants))

    @property
    def has_operating_plant(self) -> bool:
        return any(s.status == PlantStatus.OPERATING for s in self.plants)


def cluster_rows(
    clusters: QuerySet,
    plants: QuerySet,
    day: datetime.date,
    catalogue=None,
    *,
    current: bool = False,
    standings: dict[int, Standing] | None = None,
) -> list[ClusterRow]:
    """Each cluster of `clusters` in the registry on `day`, with the standings of the plants serving it.

    `current`: take the clusters' status as it is now (clusters registered without a dated change then
    count, as in the registry's own summary); otherwise as the dated changes had it on `day`.
    """
    annotated = clusters.annotate(status_then=_cluster_status_then(day), established_on=_established_on())
    rows = []
    for c in annotated.only("id", "code", "name", "status", "sort_name", "investor_id", "province_id"):
        status = c.status if current else c.status_then
        if status is not None and status not in GONE:
            rows.append(ClusterRow(cluster=c, status=status, established_on=c.established_on))
    shown = {r.cluster.pk for r in rows}
    links = _plant_links(clusters, lambda cluster_id, _plant_id: cluster_id in shown)
    if standings is None:
        wanted = {plant_id for ids in links.values() for plant_id in ids}
        standings = plant_standings(plants.filter(pk__in=wanted), day, catalogue)
    for row in rows:
        row.plants = [standings[p] for p in links[row.cluster.pk] if p in standings]
    return rows


def _plant_links(clusters: QuerySet, keep) -> dict[int, list[int]]:
    """Each cluster of `clusters` → the plants serving it, read as (cluster, plant) pairs in one query; only
    the pairs `keep(cluster_id, plant_id)` accepts."""
    links = defaultdict(list)
    for cluster_id, plant_id in PlantCluster.objects.filter(cluster__in=clusters.order_by().values("pk")).values_list(
        "cluster_id", "plant_id"
    ):
        if keep(cluster_id, plant_id):
            links[cluster_id].append(plant_id)
    return links


def _violations_open_on(queryset: QuerySet, day: datetime.date) -> QuerySet:
    """Open on `day`: detected by then, neither corrected nor closed by then."""
    return queryset.filter(detected_on__lte=day).exclude(closed_on__lte=day).exclude(corrected_on__lte=day)


def plant_connections(plant: WastewaterPlant, user) -> QuerySet[TenantConnection]:
    """The arrangements of the tenant projects the user reaches that name `plant`."""
    return (
        TenantConnection.objects.restrict(user)
        .filter(plant=plant)
        .select_related("tenant_project__tenant", "tenant_project__cluster")
    )


def unconnected_operating_tenants(user, day: datetime.date) -> QuerySet[TenantProject]:
    """Operating tenant projects with no recorded arrangement (central plant or own treatment) on `day`."""
    # A correlated NOT EXISTS, never NOT IN (subquery): PostgreSQL hashes the subquery only while it fits in
    # work_mem, and past that each project scans every arrangement (bench/RESULTS.md, "The 10× data set").
    # The operating projects are read from a partial index on PostgreSQL (migration 0008), not the whole table.
    arranged = TenantConnection.objects.filter(tenant_project=OuterRef("pk"), since__lte=day).filter(
        Q(until__isnull=True) | Q(until__gt=day)
    )
    return (
        TenantProject.objects.restrict(user)
        .filter(status=ProjectStatus.OPERATING)
        .filter(~Exists(arranged))
        .select_related("tenant", "cluster")
    )


def _in_scope(user, province_code: str | None) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The plants, clusters and violations the user reaches; `province_code` narrows them to one province's
    clusters, their plants and the plants' violations."""
    plants = WastewaterPlant.objects.restrict(user)
    clusters = Cluster.objects.restrict(user)
    violations = Violation.objects.restrict(user)
    if province_code:
        clusters = clusters.filter(province_id=province_code)
        plants = plants.filter(
            pk__in=PlantCluster.objects.filter(cluster__province_id=province_code).values("plant_id")
        )
        violations = violations.filter(plant__in=plants)
    return plants, clusters, violations


def _new_cluster_rule(user, province_code: str | None) -> tuple[dict, datetime.date | None]:
    """Each province's own new-cluster date (geo.ProvinceSettings.new_clusters_since; none set: no such rule
    there), and the one the summary names (the chosen province's, else the user's home province's)."""
    since_by_province = dict(
        ProvinceSettings.objects.filter(new_clusters_since__isnull=False).values_list(
            "province_id", "new_clusters_since"
        )
    )
    since = since_by_province.get(province_code or home_province_code(user)) if since_by_province else None
    return since_by_province, since


def environment_overview(*, user, as_of: datetime.date | None = None, province_code: str | None = None) -> dict:
    """Everything the board and the summary API show for `as_of` (default today), within the user's scope;
    `province_code` narrows it to one province's clusters, their plants and the plants' violations."""
    day = as_of or timezone.localdate()
    plants, clusters, violations = _in_scope(user, province_code)
    # what the board and the summary show of a plant: its name and status (no need for every field)
    standings = plant_standings(plants.only("id", "name", "status"), day)
    rows = cluster_rows(clusters, plants, day, current=as_of is None, standings=standings)
    since_by_province, since = _new_cluster_rule(user, province_code)
    operating = [r for r in rows if r.status == ClusterStatus.OPERATING]
    new = [
        r
        for r in rows
        if r.established_on
        and r.cluster.province_id in since_by_province
        and since_by_province[r.cluster.province_id] <= r.established_on <= day
        and r.status in ESTABLISHED_STATES
    ]
    violations = _violations_open_on(violations, day)
    regulation = regulation_for_new_plant(day)
    return {
        "as_of": day,
        "regulation": regulation,
        "clusters": rows,
        "clusters_operating": operating,
        "clusters_operating_without_plant": [r for r in operating if not r.has_operating_plant],
        "plants": list(standings.values()),
        "plants_operating": [s for s in standings.values() if s.status == PlantStatus.OPERATING],
        "plants_not_meeting_standard": [s for s in standings.values() if s.status in BUILT and not s.meets],
        "new_clusters_since": since,
        "new_clusters": new,
        "new_clusters_without_compliant_plant": [r for r in new if not r.item_14],
        "item_26": [r for r in rows if r.item_13],
        "item_27": [r for r in rows if r.item_14],
        "violations_open": violations.count(),
        "violations_overdue": violations.filter(deadline__lt=day).count(),
        "unconnected_operating_tenants": unconnected_operating_tenants(user, day).count(),
    }


def environment_summary(*, user, as_of: datetime.date | None = None, province_code: str | None = None) -> dict:
    """`summary_counts(environment_overview(...))`, counted by the database: the same answer for every
    scope, day and province, in the same few queries whatever the number of clusters and plants.

    The plants are judged from one query of plain values; the clusters' plant links are read in one query
    of pairs, and whether a plant serving a cluster is operating, built or building, or meets the standard
    is a set lookup in Python, beside the clusters' status and first establishment date read as plain
    tuples in id order: the id lists need the rows, and one pass reads each cluster's subqueries once, where
    a query per figure (or a WHERE on the status, or a CASE per province's rule) would make PostgreSQL
    evaluate them again. (Those three figures were EXISTS columns with every such plant's id as a
    parameter: at 10× the data, 4,463 plants and 15,000 clusters, that one query took 650 ms.)"""
    day = as_of or timezone.localdate()
    plants, clusters, violations = _in_scope(user, province_code)
    facts = plant_judgements(plants, day)
    operating_plants = {pk for pk, s in facts.items() if s.status == PlantStatus.OPERATING}
    built_or_building = {pk for pk, s in facts.items() if s.built_or_building}
    meeting = {pk for pk, s in facts.items() if s.meets}
    not_meeting = sorted(pk for pk, s in facts.items() if s.status in BUILT and not s.meets)
    served = _plant_links(clusters, lambda _cluster_id, plant_id: plant_id in facts)  # by judged plants

    since_by_province, since = _new_cluster_rule(user, province_code)
    annotated = clusters.order_by().annotate(
        state=F("status") if as_of is None else _cluster_status_then(day),
        # only where a province has the rule; tested in Python below, where PostgreSQL would evaluate the
        # subquery again for each province's condition
        established_on=_established_on() if since_by_province else Value(None, output_field=DateField()),
    )
    operating = new = 0
    ids: dict[str, list[int]] = {"without_plant": [], "new_without": [], "26": [], "27": []}
    # the status (a subquery on a past day) is tested in Python too, not evaluated again in a WHERE
    for pk, state, province_id, established_on in annotated.order_by("pk").values_list(
        "pk", "state", "province_id", "established_on"
    ):
        if state is None or state in GONE:
            continue
        serving = served.get(pk, ())
        has_operating = any(p in operating_plants for p in serving)
        has_built = any(p in built_or_building for p in serving)
        has_meeting = any(p in meeting for p in serving)
        if state == ClusterStatus.OPERATING:
            operating += 1
            if not has_operating:
                ids["without_plant"].append(pk)
        if (
            established_on
            and province_id in since_by_province
            and since_by_province[province_id] <= established_on <= day
            and state in ESTABLISHED_STATES
        ):
            new += 1
            if not has_meeting:
                ids["new_without"].append(pk)
        if has_built:
            ids["26"].append(pk)
        if has_meeting:
            ids["27"].append(pk)
    violations = _violations_open_on(violations, day)
    regulation = regulation_for_new_plant(day)
    return {
        "as_of": day,
        "regulation": regulation.code if regulation else None,
        "clusters_operating": operating,
        "clusters_operating_without_plant": len(ids["without_plant"]),
        "plants": len(facts),
        "plants_operating": len(operating_plants),
        "plants_not_meeting_standard": len(not_meeting),
        "new_clusters_since": since,
        "new_clusters": new,
        "new_clusters_without_compliant_plant": len(ids["new_without"]),
        "circular14": {"26": len(ids["26"]), "27": len(ids["27"])},
        "violations_open": violations.count(),
        "violations_overdue": violations.filter(deadline__lt=day).count(),
        "unconnected_operating_tenants": unconnected_operating_tenants(user, day).count(),
        "ids": {
            "clusters_operating_without_plant": ids["without_plant"],
            "plants_not_meeting_standard": not_meeting,
            "new_clusters_without_compliant_plant": ids["new_without"],
            "circular14_26": ids["26"],
            "circular14_27": ids["27"],
        },
    }


def regulation_for_new_plant(day: datetime.date) -> Regulation | None:
    """The version in force on `day` for a plant commissioned from then on: `Catalogue.regulation_for`
    without a commissioning date (no transition period applies), in one query."""
    return (
        Regulation.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from", "-pk")
        .first()
    )


def summary_counts(overview: dict) -> dict:
    """The overview as counts (and the ids behind them), for the API."""

    def ids(rows, attr):
        return sorted(getattr(r, attr).pk for r in rows)

    return {
        "as_of": overview["as_of"],
        "regulation": overview["regulation"].code if overview["regulation"] else None,
        "clusters_operating": len(overview["clusters_operating"]),
        "clusters_operating_without_plant": len(overview["clusters_operating_without_plant"]),
        "plants": len(overview["plants"]),
        "plants_operating": len(overview["plants_operating"]),
        "plants_not_meeting_standard": len(overview["plants_not_meeting_standard"]),
        "new_clusters_since": overview["new_clusters_since"],
        "new_clusters": len(overview["new_clusters"]),
        "new_clusters_without_compliant_plant": len(overview["new_clusters_without_compliant_plant"]),
        "circular14": {"26": len(overview["item_26"]), "27": len(overview["item_27"])},
        "violations_open": overview["violations_open"],
        "violations_overdue": overview["violations_overdue"],
        "unconnected_operating_tenants": overview["unconnected_operating_tenants"],
        "ids": {
            "clusters_operating_without_plant": ids(overview["clusters_operating_without_plant"], "cluster"),
            "plants_not_meeting_standard": ids(overview["plants_not_meeting_standard"], "plant"),
            "new_clusters_without_compliant_plant": ids(overview["new_clusters_without_compliant_plant"], "cluster"),
            "circular14_26": ids(overview["item_26"], "cluster"),
            "circular14_27": ids(overview["item_27"], "cluster"),
        },
    }


def cluster_items(cluster: Cluster, *, user, as_of: datetime.date | None = None) -> dict:
    """Circular 14 Form 02 items 13–14 for one cluster on a day, with the plants behind them."""
    day = as_of or timezone.localdate()
    rows = cluster_rows(
        Cluster.objects.filter(pk=cluster.pk), WastewaterPlant.objects.restrict(user), day, current=as_of is None
    )
    row = rows[0] if rows else ClusterRow(cluster=cluster, status=None, established_on=None)
    return {"as_of": day, "item_13": row.item_13, "item_14": row.item_14, "plants": row.plants, "row": row}


def open_violations(user) -> QuerySet[Violation]:
    """The board: violations not closed, by deadline."""
    return (
        Violation.objects.restrict(user)
        .filter(status__in=(ViolationStatus.OPEN, ViolationStatus.CORRECTED))
        .select_related("plant", "parameter", "sample", "regulation")
        .prefetch_related(Prefetch("plant__cluster_links", queryset=PlantCluster.objects.select_related("cluster")))
        .order_by("deadline", "id")
    )


def recent_samples(plant: WastewaterPlant, *, limit: int = 20, catalogue: Catalogue | None = None) -> list[dict]:
    """The latest samples of a plant, each judged as the rows stand now."""
    catalogue = catalogue or Catalogue.load()
    samples = plant.samples.prefetch_related("values").select_related("document").order_by("-sampled_on", "-id")
    return [{"sample": s, "judgement": catalogue.judge_sample(s, plant)} for s in samples[:limit]]


def plant_chart(plant: WastewaterPlant, *, catalogue: Catalogue | None = None, limit: int = 400) -> dict:
    """Outlet results over time per parameter, with the limit lines (Cmax, and the minimum of ranges)
    as they applied on each date: the data of the plant page's chart."""
    catalogue = catalogue or Catalogue.load()
    samples = list(
        plant.samples.filter(point=SamplePoint.OUTLET).prefetch_related("values").order_by("-sampled_on", "-id")[:limit]
    )
    series: dict[str, dict] = {}
    for sample in reversed(samples):
        for verdict in catalogue.judge_sample(sample, plant).verdicts:
            parameter = catalogue.parameter(verdict.parameter)
            entry = series.setdefault(
                parameter.code,
                {
                    "code": parameter.code,
                    "name": parameter.name_vi if _lang() == "vi" else parameter.name_en,
                    "unit": parameter.unit,
                    "position": parameter.position,
                    "points": [],
                    "limit": [],
                    "limit_min": [],
                },
            )
            x = sample.sampled_on.isoformat()
            if verdict.value is not None:
                entry["points"].append(
                    {
                        "x": x,
                        "y": float(verdict.value),
                        "below": verdict.qualifier == "<",
                        "outcome": verdict.outcome,
                        "continuous": sample.origin == SampleOrigin.CONTINUOUS,
                    }
                )
            if verdict.limit is not None:
                entry["limit"].append({"x": x, "y": float(verdict.limit)})
            if verdict.limit_min is not None:
                entry["limit_min"].append({"x": x, "y": float(verdict.limit_min)})
    ordered = sorted(series.values(), key=lambda s: (s["position"], s["code"]))
    # Show first what needs attention: a parameter that exceeded, else the one measured most often.
    exceeded = [s for s in ordered if any(p["outcome"] == Outcome.EXCEEDED for p in s["points"])]
    busiest = max(ordered, key=lambda s: len(s["points"]), default=None)
    default = (exceeded[0] if exceeded else busiest or {}).get("code")
    return {
        "series": ordered,
        "default": default,
        "labels": {"limit": _("Limit (Cmax)"), "limit_min": _("Minimum"), "value": _("Result")},
    }


def _lang() -> str:
    return (get_language() or "vi")[:2]


def factor_proposal(plant: WastewaterPlant, *, day: datetime.date | None = None) -> dict:
    """Kq and Kf proposed from the bands (data) of the regulation in force, for a person to confirm."""
    day = day or timezone.localdate()
    regulation = Catalogue.load().regulation_for(plant, day)
    if regulation is None:
        return {"regulation": None, "kq": None, "kq_basis": "", "kf": None, "kf_basis": ""}
    bands = list(FactorBand.objects.filter(regulation=regulation))
    proposal = propose_factors(plant, bands)
    return {
        "regulation": regulation.code,
        **proposal,
        "kq": plain(proposal["kq"]),
        "kf": plain(proposal["kf"]),
        "notes": sorted({b.notes for b in bands if b.notes}),
    }
