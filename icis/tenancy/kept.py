"""Each cluster's tenancy figures kept (`TenancyState`): occupied land and Form 01 reports not sent.

Writes mark: every save or delete of a tenant project or a periodic report marks its cluster's row stale
(and the cluster it left), in the write's own transaction (`connect`: signals, so the services, the
admin, imports and scripts are all covered; a bulk write that sends no signal calls `mark_stale`).

Reads recompute: `current(clusters, day, period)` recomputes, before anything reads them, the rows of
`clusters` that are stale, missing, or hold another day's land or another period's reports. It locks
the rows it recomputes (`select_for_update`) and a write takes the same row's lock when it marks it, so
a recompute that read the data before a write committed is marked stale again by that write: a row can
be recomputed twice, never left stale. At national size the first read of a day recomputes every
cluster once (one grouped query for each figure); later reads join the kept rows.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_save

from . import periods
from .choices import ReportForm, SubmissionStatus
from .models import Submission, TenancyState, TenantProject

FOUR_PLACES = Decimal("0.0001")


def occupying_on(day: datetime.date, prefix: str = "") -> Q:
    """Projects whose land counts as occupied on `day` (Decree 32 Art 2.7): leased, or covered by an
    investment approval, from their start; not after the lease ended or the tenant left."""
    started = Q(**{f"{prefix}lease_start__lte": day}) | Q(**{f"{prefix}approval_date__lte": day})
    lease_running = Q(**{f"{prefix}lease_end__isnull": True}) | Q(**{f"{prefix}lease_end__gte": day})
    still_there = Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})
    return started & lease_running & still_there


def owing_form01(period: periods.Period) -> Q:
    """Projects that owe Form 01 for `period`: holding land (leased or approved) during it."""
    return (Q(lease_start__lte=period.end) | Q(approval_date__lte=period.end)) & ~Q(ended_on__lt=period.start)


def filed_form01(period: periods.Period, submissions=None):
    """The tenant projects that sent (or had accepted) Form 01 for `period`, as a subquery."""
    submissions = Submission.objects if submissions is None else submissions
    return submissions.filter(
        form=ReportForm.FORM_01,
        period=period.code,
        status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED],
        tenant_project__isnull=False,
    ).values("tenant_project_id")


def valid_q(day: datetime.date, period: periods.Period, prefix: str = "") -> Q:
    """Rows holding `day`'s occupied land and `period`'s Form 01 figures."""
    return (
        Q(**{f"{prefix}occupied_from__lte": day})
        & (Q(**{f"{prefix}occupied_until__isnull": True}) | Q(**{f"{prefix}occupied_until__gt": day}))
        & Q(**{f"{prefix}form01_period": period.code})
    )


def compute(
    cluster_ids, day: datetime.date, period: periods.Period, *, projects=None, submissions=None, model=None
) -> list:
    """The figures of `cluster_ids` on `day` and for `period`, computed from the tenant projects and the
    reports (two grouped queries). `projects`, `submissions` and `model` default to the app's models (a
    migration passes its historical ones)."""
    projects = TenantProject.objects if projects is None else projects
    model = TenancyState if model is None else model
    land = (
        projects.filter(cluster_id__in=cluster_ids)
        .order_by()
        .values("cluster_id")
        .annotate(
            occupied=Sum("land_ha", filter=occupying_on(day)),
            # the first later day on which some project's land starts or stops counting
            next_start=Min("lease_start", filter=Q(lease_start__gt=day)),
            next_approval=Min("approval_date", filter=Q(approval_date__gt=day)),
            last_lease_day=Min("lease_end", filter=Q(lease_end__gte=day)),
            next_leaving=Min("ended_on", filter=Q(ended_on__gt=day)),
        )
    )
    by_cluster = {row["cluster_id"]: row for row in land}
    missing = dict(
        projects.filter(cluster_id__in=cluster_ids)
        .filter(owing_form01(period))
        .exclude(pk__in=filed_form01(period, submissions))
        .order_by()
        .values("cluster_id")
        .annotate(n=Count("pk"))
        .values_list("cluster_id", "n")
    )
    rows = []
    for pk in cluster_ids:
        row = by_cluster.get(pk, {})
        changes = [row.get("next_start"), row.get("next_approval"), row.get("next_leaving")]
        if row.get("last_lease_day"):
            changes.append(row["last_lease_day"] + datetime.timedelta(days=1))
        changes = [change for change in changes if change is not None]
        rows.append(
            model(
                cluster_id=pk,
                occupied_ha=Decimal(str(row.get("occupied") or 0)).quantize(FOUR_PLACES),
                occupied_from=day,
                occupied_until=min(changes) if changes else None,
                form01_period=period.code,
                form01_missing=missing.get(pk, 0),
            )
        )
    return rows


FIELDS = ["occupied_ha", "occupied_from", "occupied_until", "form01_period", "form01_missing"]


def current(clusters, day: datetime.date, period: periods.Period | None = None) -> None:
    """Make the kept rows of `clusters` (a Cluster queryset) hold `day`'s land and `period`'s Form 01
    (default: the period due on `day`), recomputing those that do not. One query when none needs it."""
    period = period or periods.due(ReportForm.FORM_01, day)
    kept = TenancyState.objects.filter(valid_q(day, period)).values("cluster_id")
    stale = list(clusters.order_by().exclude(pk__in=kept).values_list("pk", flat=True))
    if stale:
        refresh(stale, day, period)


def refresh(cluster_ids, day: datetime.date, period: periods.Period) -> None:
    """Recompute the rows of `cluster_ids` (created when missing) under their row locks."""
    ids = sorted(set(cluster_ids))
    with transaction.atomic():
        TenancyState.objects.bulk_create(
            [TenancyState(cluster_id=pk) for pk in ids], ignore_conflicts=True, batch_size=1000
        )
        list(TenancyState.objects.select_for_update().filter(cluster_id__in=ids).order_by("pk").values_list("pk"))
        TenancyState.objects.bulk_update(compute(ids, day, period), FIELDS, batch_size=500)


def mark_stale(cluster_ids) -> None:
    """Mark the rows of `cluster_ids` stale (creating them stale when missing), taking their row locks."""
    ids = sorted(set(cluster_ids) - {None})
    if ids:
        TenancyState.objects.bulk_create(
            [TenancyState(cluster_id=pk, occupied_from=None, form01_period="") for pk in ids],
            update_conflicts=True,
            unique_fields=["cluster"],
            update_fields=["occupied_from", "form01_period"],
        )


def _remember_project(sender, instance, raw=False, **kwargs):
    instance._kept_old_clusters = set()
    if not raw and not instance._state.adding and instance.pk is not None:
        instance._kept_old_clusters = set(
            TenantProject.objects.filter(pk=instance.pk).values_list("cluster_id", flat=True)
        )


def _project_written(sender, instance, raw=False, **kwargs):
    if not raw:  # a fixture or a backup loaded: the rows are recomputed when read
        mark_stale({instance.cluster_id, *getattr(instance, "_kept_old_clusters", ())})


def _remember_submission(sender, instance, raw=False, **kwargs):
    instance._kept_old_clusters = set()
    if not raw and not instance._state.adding and instance.pk is not None:
        for cluster_id, project_cluster_id in Submission.objects.filter(pk=instance.pk).values_list(
            "cluster_id", "tenant_project__cluster_id"
        ):
            instance._kept_old_clusters |= {cluster_id, project_cluster_id}


def _submission_written(sender, instance, raw=False, **kwargs):
    if raw:
        return
    ids = {instance.cluster_id, *getattr(instance, "_kept_old_clusters", ())}
    if instance.tenant_project_id:
        ids |= set(TenantProject.objects.filter(pk=instance.tenant_project_id).values_list("cluster_id", flat=True))
    mark_stale(ids)


def connect() -> None:
    pre_save.connect(_remember_project, sender=TenantProject, dispatch_uid="tenancy-kept-project-remember")
    post_save.connect(_project_written, sender=TenantProject, dispatch_uid="tenancy-kept-project-saved")
    post_delete.connect(_project_written, sender=TenantProject, dispatch_uid="tenancy-kept-project-deleted")
    pre_save.connect(_remember_submission, sender=Submission, dispatch_uid="tenancy-kept-submission-remember")
    post_save.connect(_submission_written, sender=Submission, dispatch_uid="tenancy-kept-submission-saved")
    post_delete.connect(_submission_written, sender=Submission, dispatch_uid="tenancy-kept-submission-deleted")
