"""Occupancy exactly as Decree 32 Art 2.7 defines it, now or on any date; overdue reports."""

import datetime
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Collate, Round
from django.utils import timezone

from icis.clusters.choices import ESTABLISHED_STATES
from icis.clusters.models import Cluster, ClusterCommune
from icis.geo.models import Commune

from . import kept, periods
from .choices import ReportForm, SubmissionStatus
from .kept import occupying_on, owing_form01
from .models import LandClearance, Submission, TenantProject

TWO_PLACES = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
HECTARE_FIELD = DecimalField(max_digits=14, decimal_places=4)


def hectares(value) -> Decimal:
    """A sum of hectares as the 4-decimal figure it is (SQLite sums decimals as floats)."""
    return Decimal(str(value or 0)).quantize(FOUR_PLACES)


def rate(occupied, land) -> Decimal | None:
    if not land:
        return None
    return (Decimal(occupied) / Decimal(land) * 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def occupied_by_cluster(cluster_ids, day: datetime.date) -> dict[int, Decimal]:
    rows = (
        TenantProject.objects.filter(occupying_on(day), cluster_id__in=cluster_ids)
        .values("cluster_id")
        .annotate(total=Sum("land_ha"))
        .order_by()
    )
    return {row["cluster_id"]: hectares(row["total"]) for row in rows}


def cleared_by_cluster(cluster_ids, day: datetime.date) -> dict[int, Decimal]:
    latest = {}
    for cluster_id, cleared in (
        LandClearance.objects.filter(cluster_id__in=cluster_ids, as_of__lte=day)
        .order_by("cluster_id", "-as_of", "-id")
        .values_list("cluster_id", "cleared_industrial_land_ha")
    ):
        latest.setdefault(cluster_id, cleared)
    return latest


def cluster_occupancy(cluster: Cluster, *, as_of: datetime.date | None = None) -> dict:
    day = as_of or timezone.localdate()
    occupied = occupied_by_cluster([cluster.pk], day).get(cluster.pk, Decimal(0))
    cleared = cleared_by_cluster([cluster.pk], day).get(cluster.pk)
    land = cluster.industrial_land_ha
    return {
        "cluster": cluster.pk,
        "as_of": day,
        "industrial_land_ha": land,
        "occupied_ha": occupied,
        "occupancy_rate": rate(occupied, land),
        "cleared_industrial_land_ha": cleared,
        "occupancy_rate_over_cleared": rate(occupied, cleared)
        if cleared is not None and (land is None or cleared < land)
        else None,
    }


def _occupied_subquery(day: datetime.date, cluster_ref: str = "pk"):
    """The hectares occupied on `day` in the cluster `cluster_ref` points at (0 when none), as a subquery."""
    total = (
        TenantProject.objects.filter(occupying_on(day), cluster=OuterRef(cluster_ref))
        .order_by()
        .values("cluster")
        .annotate(total=Sum("land_ha"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=HECTARE_FIELD), Value(Decimal(0)), output_field=HECTARE_FIELD)


def _ten_thousandths(expression):
    """Hectares as a whole number of 1/10,000 ha (the fields' 4 decimals): exact on SQLite's floats too."""
    return Cast(Round(ExpressionWrapper(expression * 10000, output_field=HECTARE_FIELD)), BigIntegerField())


GROUPINGS = ("cluster", "commune", "legacy_district", "city")


def occupancy_table(*, clusters, group_by: str = "cluster", as_of: datetime.date | None = None) -> list[dict]:
    """Occupancy grouped by cluster, commune (a straddling cluster counts in each), legacy district or city:
    every row (the page, the dashboard, the charts); the API reads `occupancy_rows` a page at a time.

    The group rate is total occupied land over total industrial land of the clusters that have it
    (a land-weighted average); the simple mean of the clusters' rates is given beside it. The rows are
    ordered by label, then key as text. The whole city is one row, even with no cluster.
    """
    if group_by == "city":
        return [occupancy_city(clusters=clusters, as_of=as_of)]
    return occupancy_rows(clusters=clusters, group_by=group_by, as_of=as_of).all()


class OccupancyRows(Sequence):
    """The rows of `occupancy_table` for one grouping, for a paginator: `count()` is one query, and a slice one
    query computing only its rows (ORDER BY label, key … LIMIT/OFFSET in SQL).

    `counted` is counted by `number` (an aggregate; default: its rows). `page`, when given, narrows `grouped`
    to a slice's groups (default: the slice of `grouped`). `kept_day`, when given, is the day whose kept rows
    of `clusters` are made current before any row is read: by the count, which counts the stale rows among
    `counted` (`stale`: its path to the kept row) in the same query, or else by `kept.current`."""

    def __init__(
        self,
        grouped,
        counted,
        make_row: Callable[[dict], dict],
        *,
        number=None,
        page: Callable | None = None,
        clusters=None,
        kept_day: datetime.date | None = None,
        stale: str = "tenancy_state__",
    ):
        self.grouped, self.counted, self.make_row, self.number = grouped, counted, make_row, None
        self.counter = number
        self.page = page or (lambda index: self.grouped[index])
        self.clusters, self.kept_day, self.stale = clusters, kept_day, stale

    def count(self) -> int:
        if self.number is None:
            if self.kept_day is not None:
                day, self.kept_day = self.kept_day, None
                period = periods.due(ReportForm.FORM_01, day)
                counted = self.counted.aggregate(
                    n=self.counter or Count("pk"), stale=Count("pk", filter=kept.stale_q(day, period, self.stale))
                )
                if counted["stale"]:
                    kept.refresh(self.clusters, day, period)
                self.number = counted["n"]
            else:
                self.number = self.counted.aggregate(n=self.counter)["n"] if self.counter else self.counted.count()
        return self.number

    def __len__(self) -> int:
        return self.count()

    def _current(self) -> None:
        if self.kept_day is not None:
            day, self.kept_day = self.kept_day, None
            kept.current(self.clusters, day)

    def __getitem__(self, index):
        if isinstance(index, slice):
            self._current()
            return [self.make_row(group) for group in self.page(index)]
        return self[index : index + 1][0]

    def all(self) -> list[dict]:
        self._current()
        return [self.make_row(group) for group in self.grouped]


def _today(clusters, as_of: datetime.date | None, *, current: bool = True) -> tuple[datetime.date, bool]:
    """The day, and whether it is today: today's land is read from the kept rows (`kept.current` recomputes
    any that are stale first, unless `current` is False), a past day's is summed over the tenant projects."""
    day = as_of or timezone.localdate()
    today = day == timezone.localdate()
    if today and current:
        kept.current(clusters, day)
    return day, today


def _table_order(label: str, key: str) -> list:
    """The table's order, label then key as text (a missing label as "", a missing key as "None"), compared
    code point by code point as Python compares str, whatever the database's collation."""
    binary = "C" if connection.vendor == "postgresql" else "BINARY"
    return [
        Collate(Coalesce(F(label), Value(""), output_field=CharField()), binary),
        Collate(Coalesce(Cast(key, CharField()), Value("None"), output_field=CharField()), binary),
    ]


def occupancy_rows(*, clusters, group_by: str = "cluster", as_of: datetime.date | None = None) -> OccupancyRows:
    """The rows of `occupancy_table` by cluster, commune or legacy district, lazily, to be paged in SQL.

    Grouped in the database: the clusters go in as a subquery, each cluster's occupied land today as its
    kept row (`TenancyState`), on another day as a sum over its projects, and the mean of the rates is
    summed as whole hundredths of a percent rounded half up (integer arithmetic on 1/10,000 ha), so it
    equals the mean of `rate()` exactly on every database.
    """
    if group_by not in ("cluster", "commune", "legacy_district"):
        raise ValueError(f"occupancy_rows groups by cluster, commune or legacy_district, not {group_by!r}")
    # by cluster and commune, the count (or the first rows read) makes today's kept rows current: OccupancyRows
    day, today = _today(clusters, as_of, current=group_by == "legacy_district")
    if group_by == "cluster":  # one row a cluster: a join (grouped by cluster for a past day), no subquery
        occupied = (
            _kept_land()
            if today
            else Coalesce(
                Sum("tenant_projects__land_ha", filter=occupying_on(day, prefix="tenant_projects__")),
                Value(Decimal(0)),
                output_field=HECTARE_FIELD,
            )
        )
        grouped = (
            clusters.order_by()
            .values("pk", "name", "industrial_land_ha")
            .annotate(occ=occupied)
            .order_by(*_table_order("name", "pk"))
        )
        return OccupancyRows(
            grouped, clusters.order_by(), _cluster_row, clusters=clusters, kept_day=day if today else None
        )
    if group_by == "commune":
        base = ClusterCommune.objects.filter(cluster__in=clusters.order_by().values("pk"))
        prefix, key, label, cluster_ref = "cluster__", "commune_id", "commune__name", "cluster_id"
    else:
        base, prefix, key, label, cluster_ref = clusters, "", "legacy_district_id", "legacy_district__name", "pk"
    rows = base.order_by().annotate(_occ=_kept_land(prefix) if today else _occupied_subquery(day, cluster_ref))
    aggregates = _aggregates(prefix)
    grouped = (
        rows.values(key, label)
        .annotate(**aggregates)
        .values(key, label, *aggregates)
        .order_by(*_table_order(label, key))
    )
    make_row = lambda group: _group_row({**group, "key": group[key], "label": group[label]})  # noqa: E731
    if group_by == "legacy_district":
        return OccupancyRows(grouped, base.order_by().values(key).distinct(), make_row)
    # a page of communes is picked first, by name and code, over the communes of the clusters (no tenancy
    # figure read), and only its communes' links are grouped: the aggregates of one page, not of all
    communes = Commune.objects.filter(code__in=base.order_by().values("commune_id"))
    ordered = communes.order_by(*_table_order("name", "code")).values("code")
    return OccupancyRows(
        grouped,
        base.order_by(),  # the links: their distinct communes counted, their clusters' kept rows checked
        make_row,
        number=Count("commune_id", distinct=True),
        page=lambda index: grouped.filter(commune_id__in=ordered[index]),
        clusters=clusters,
        kept_day=day if today else None,
        stale="cluster__tenancy_state__",
    )


def occupancy_city(*, clusters, as_of: datetime.date | None = None) -> dict:
    """The whole city's (or country's) row of `occupancy_table`: one aggregate over the clusters (today, the
    same query counts the kept rows that are stale, and only when some are they are recomputed and the
    aggregate run again)."""
    day = as_of or timezone.localdate()
    if day != timezone.localdate():
        # each cluster's occupied land summed over a join grouped by cluster, which the database computes once
        # a cluster (a correlated sum used twice in the aggregates would be run twice)
        occupied = Sum("tenant_projects__land_ha", filter=occupying_on(day, prefix="tenant_projects__"))
        rows = clusters.order_by().annotate(_occ=Coalesce(occupied, Value(Decimal(0)), output_field=HECTARE_FIELD))
        return _group_row({"key": "all", "label": "", **rows.aggregate(**_aggregates(""))})
    rows = clusters.order_by().annotate(_occ=_kept_land())
    period = periods.due(ReportForm.FORM_01, day)
    figures = rows.aggregate(**_aggregates(""), stale=Count("pk", filter=kept.stale_q(day, period)))
    if figures["stale"]:
        kept.refresh(clusters, day, period)
        figures = rows.aggregate(**_aggregates(""))
    return _group_row({"key": "all", "label": "", **figures})


def _aggregates(prefix: str) -> dict:
    """A group's figures over rows annotated with their cluster's occupied land (`_occ`)."""
    land = F(f"{prefix}industrial_land_ha")
    with_land = Q(**{f"{prefix}industrial_land_ha__gt": 0})
    occ_units, land_units = _ten_thousandths(F("_occ")), _ten_thousandths(land)
    hundredths = ExpressionWrapper(
        (occ_units * 20000 + land_units) / (land_units * 2), output_field=BigIntegerField()
    )  # round(occupied / land × 100, 2) half up, × 100
    return {
        "n": Count("pk"),
        "n_land": Count("pk", filter=with_land),
        "land": Sum(land, filter=with_land),
        "occ": Sum("_occ", filter=with_land),
        "hundredths": Sum(hundredths, filter=with_land),
    }


def _group_row(group: dict) -> dict:
    n_land = group["n_land"] or 0
    land_ha = hectares(group["land"]) if n_land else Decimal(0)
    occ = hectares(group["occ"]) if n_land else Decimal(0)
    return {
        "key": group["key"],
        "label": group["label"],
        "clusters": group["n"],
        "clusters_with_land": n_land,
        "industrial_land_ha": land_ha,
        "occupied_ha": occ,
        "unleased_ha": land_ha - occ,
        "occupancy_rate": rate(occ, land_ha),
        "mean_cluster_rate": (Decimal(group["hundredths"]) / 100 / n_land).quantize(TWO_PLACES) if n_land else None,
    }


def _kept_land(prefix: str = ""):
    """A cluster's kept occupied land (`TenancyState`, made current by `kept.current`)."""
    return Coalesce(F(f"{prefix}tenancy_state__occupied_ha"), Value(Decimal(0)), output_field=HECTARE_FIELD)


def _cluster_row(row: dict) -> dict:
    land = row["industrial_land_ha"]
    has_land = bool(land)
    occ = hectares(row["occ"]) if has_land else Decimal(0)
    own_rate = rate(occ, land) if has_land else None
    return {
        "key": row["pk"],
        "label": row["name"],
        "clusters": 1,
        "clusters_with_land": int(has_land),
        "industrial_land_ha": land if has_land else Decimal(0),
        "occupied_ha": occ,
        "unleased_ha": (land - occ) if has_land else Decimal(0),
        "occupancy_rate": own_rate,
        "mean_cluster_rate": own_rate.quantize(TWO_PLACES) if has_land else None,
    }


def expected_submitters(form: str, period: periods.Period, clusters):
    """Who owes the report: Form 01 every tenant project holding land during the period; Form 02 every
    cluster with an investor that is established or further along."""
    if form == ReportForm.FORM_01:
        return (
            TenantProject.objects.filter(cluster__in=clusters)
            .filter(owing_form01(period))
            .select_related("tenant", "cluster")
        )
    return clusters.filter(status__in=ESTABLISHED_STATES, investor__isnull=False).select_related("investor")


def overdue(*, form: str, period: periods.Period, clusters, today: datetime.date | None = None) -> list:
    """Expected reports not submitted (or returned and not resubmitted) from the deadline day on:
    Circular 14 says "trước ngày 20 tháng 6", so on 20/06 an unsent report is already late."""
    today = today or timezone.localdate()
    if today < period.deadline(form):
        return []
    done = Submission.objects.filter(
        form=form, period=period.code, status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED]
    )
    if form == ReportForm.FORM_01:
        filed = set(done.values_list("tenant_project_id", flat=True))
        return [p for p in expected_submitters(form, period, clusters) if p.pk not in filed]
    filed = set(done.values_list("cluster_id", flat=True))
    return [c for c in expected_submitters(form, period, clusters) if c.pk not in filed]


def overdue_counts(*, form: str, period: periods.Period, clusters, today: datetime.date | None = None) -> list:
    """`overdue` counted per cluster, in the database: [(cluster, number of reports overdue)] by cluster name.

    Two queries whatever the number of projects (the counts, then the clusters that have any), where
    `overdue` builds every missing project: the dashboard's attention list needs only the counts.
    """
    counts = {pk: n for pk, _name, n in overdue_named_counts(form=form, period=period, clusters=clusters, today=today)}
    found = Cluster.objects.filter(pk__in=list(counts)).order_by("name", "pk")
    return [(cluster, counts[cluster.pk]) for cluster in found]


def overdue_named_counts(*, form: str, period: periods.Period, clusters, today: datetime.date | None = None) -> list:
    """[(cluster id, cluster name, number of reports overdue)] for the clusters with any: one query."""
    today = today or timezone.localdate()
    if today < period.deadline(form):
        return []
    done = Submission.objects.filter(
        form=form, period=period.code, status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED]
    )
    expected = expected_submitters(form, period, clusters).select_related(None).order_by()
    # NOT EXISTS, not NOT IN (subquery): the latter is hashed only while every report of the period fits
    # in PostgreSQL's work_mem, and otherwise scans them all for each project (ten times the national data)
    if form == ReportForm.FORM_01:
        missing = expected.filter(~Exists(done.filter(tenant_project_id=OuterRef("pk"))))
        return list(missing.values_list("cluster_id", "cluster__name").annotate(n=Count("id")))
    missing = expected.filter(~Exists(done.filter(cluster_id=OuterRef("pk"))))
    return [(pk, name, 1) for pk, name in missing.values_list("pk", "name")]


def sent_late(submission: Submission) -> bool | None:
    """Whether a Form 01/02 was sent on or after the day the circular names after "trước ngày" (None:
    not sent yet). The day is the local date of its latest submission."""
    if submission.submitted_at is None:
        return None
    period = periods.parse(submission.period)
    return period.is_late(submission.form, timezone.localdate(submission.submitted_at))


def reported_vs_computed(submission: Submission, *, tolerance: Decimal = Decimal("1.00")) -> dict | None:
    """Form 02 item 5 (reported occupancy) beside the occupancy computed at the period's end."""
    if submission.form != ReportForm.FORM_02 or "occupancy_percent" not in submission.data:
        return None
    period = periods.parse(submission.period)
    computed = cluster_occupancy(submission.cluster, as_of=period.end)["occupancy_rate"]
    reported = Decimal(str(submission.data["occupancy_percent"])).quantize(TWO_PLACES)
    differs = computed is not None and abs(reported - computed) > tolerance
    return {"reported": reported, "computed": computed, "differs": differs or computed is None}
