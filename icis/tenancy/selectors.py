"""Occupancy exactly as Decree 32 Art 2.7 defines it, now or on any date; overdue reports."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from icis.clusters.choices import ESTABLISHED_STATES
from icis.clusters.models import Cluster, ClusterCommune

from . import periods
from .choices import ReportForm, SubmissionStatus
from .models import LandClearance, Submission, TenantProject

TWO_PLACES = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")


def hectares(value) -> Decimal:
    """A sum of hectares as the 4-decimal figure it is (SQLite sums decimals as floats)."""
    return Decimal(str(value or 0)).quantize(FOUR_PLACES)


def rate(occupied, land) -> Decimal | None:
    if not land:
        return None
    return (Decimal(occupied) / Decimal(land) * 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def occupying_on(day: datetime.date) -> Q:
    """Projects whose land counts as occupied on `day`: leased, or covered by an investment approval,
    from their start; not after the lease ended or the tenant left."""
    started = Q(lease_start__lte=day) | Q(approval_date__lte=day)
    lease_running = Q(lease_end__isnull=True) | Q(lease_end__gte=day)
    still_there = Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    return started & lease_running & still_there


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


def occupancy_table(*, clusters, group_by: str = "cluster", as_of: datetime.date | None = None) -> list[dict]:
    """Occupancy grouped by cluster, commune (a straddling cluster counts in each), legacy district or city.

    The group rate is total occupied land over total industrial land of the clusters that have it
    (a land-weighted average); the simple mean of the clusters' rates is given beside it. Three queries.
    """
    day = as_of or timezone.localdate()
    cluster_rows = list(
        clusters.order_by().values(
            "pk", "name", "code", "industrial_land_ha", "legacy_district_id", "legacy_district__name"
        )
    )
    ids = [row["pk"] for row in cluster_rows]
    occupied = occupied_by_cluster(ids, day)
    groups: dict = defaultdict(list)
    if group_by == "commune":
        for link in ClusterCommune.objects.filter(cluster_id__in=ids).select_related("commune"):
            groups[(link.commune_id, link.commune.name)].append(link.cluster_id)
    by_id = {row["pk"]: row for row in cluster_rows}
    if group_by == "cluster":
        for row in cluster_rows:
            groups[(row["pk"], row["name"])].append(row["pk"])
    elif group_by == "legacy_district":
        for row in cluster_rows:
            groups[(row["legacy_district_id"], row["legacy_district__name"])].append(row["pk"])
    elif group_by == "city":
        groups[("all", "")] = ids
    table = []
    for (key, label), members in groups.items():
        with_land = [m for m in members if by_id[m]["industrial_land_ha"]]
        land = sum((by_id[m]["industrial_land_ha"] for m in with_land), Decimal(0))
        occ = sum((occupied.get(m, Decimal(0)) for m in with_land), Decimal(0))
        rates = [rate(occupied.get(m, Decimal(0)), by_id[m]["industrial_land_ha"]) for m in with_land]
        table.append(
            {
                "key": key,
                "label": label,
                "clusters": len(members),
                "clusters_with_land": len(with_land),
                "industrial_land_ha": land,
                "occupied_ha": occ,
                "unleased_ha": land - occ,
                "occupancy_rate": rate(occ, land),
                "mean_cluster_rate": (sum(rates, Decimal(0)) / len(rates)).quantize(TWO_PLACES) if rates else None,
            }
        )
    table.sort(key=lambda row: (str(row["label"] or ""), str(row["key"])))
    return table


def expected_submitters(form: str, period: periods.Period, clusters):
    """Who owes the report: Form 01 every tenant project holding land during the period; Form 02 every
    cluster with an investor that is established or further along."""
    if form == ReportForm.FORM_01:
        return (
            TenantProject.objects.filter(cluster__in=clusters)
            .filter(Q(lease_start__lte=period.end) | Q(approval_date__lte=period.end))
            .exclude(ended_on__lt=period.start)
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
