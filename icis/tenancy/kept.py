"""Each cluster's tenancy figures kept (`TenancyState`): occupied land and Form 01 reports not sent.

Writes mark: every save or delete of a tenant project or a periodic report marks its cluster's row stale
(and the cluster it left), in the write's own transaction (`connect`: signals, so the services, the
admin, imports and scripts are all covered; the tenant import's bulk writes send `bulk.projects_written`,
and any other bulk write that sends no signal calls `mark_stale`).

Reads recompute: `current(clusters, day, period)` recomputes, before anything reads them, the rows of
`clusters` that are stale, missing, or hold another day's land or another period's reports. It locks
the rows it recomputes (`select_for_update`) and a write takes the same row's lock when it marks it, so
a recompute that read the data before a write committed is marked stale again by that write: a row can
be recomputed twice, never left stale. At national size the first read of a day recomputes every
cluster once (one UPDATE); later reads join the kept rows.
"""

import datetime
from decimal import Decimal

from django.db import connections, router, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.db.models.signals import post_delete, post_save, pre_save

from icis.clusters.models import Cluster

from . import periods
from .choices import ReportForm, SubmissionStatus
from .models import Submission, TenancyState, TenantProject

HECTARES = DecimalField(max_digits=14, decimal_places=4)


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


def filed_form01(period: periods.Period, submissions=None, project=None) -> Exists:
    """Whether the tenant project `project` (default: the outer row) sent (or had accepted) Form 01 for
    `period`: a correlated EXISTS, so "not filed" is an anti-join. (A `NOT IN (subquery)` over every
    report of the period is hashed only while it fits in PostgreSQL's work_mem: at ten times the national
    data it was not, and each project scanned every report.)"""
    submissions = Submission.objects if submissions is None else submissions
    return Exists(
        submissions.filter(
            form=ReportForm.FORM_01,
            period=period.code,
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED],
            tenant_project_id=OuterRef("pk") if project is None else project,
        )
    )


def valid_q(day: datetime.date, period: periods.Period, prefix: str = "") -> Q:
    """Rows holding `day`'s occupied land and `period`'s Form 01 figures."""
    return (
        Q(**{f"{prefix}occupied_from__lte": day})
        & (Q(**{f"{prefix}occupied_until__isnull": True}) | Q(**{f"{prefix}occupied_until__gt": day}))
        & Q(**{f"{prefix}form01_period": period.code})
    )


FAR = datetime.date(9999, 12, 31)  # `occupied_until` when no project's land starts or stops counting later


def figures(day: datetime.date, period: periods.Period, *, projects=None, submissions=None) -> dict:
    """The kept fields of a row on `day` and for `period`, as expressions over its cluster's tenant projects
    and reports (correlated subqueries on `cluster_id`), for one UPDATE whatever the number of rows.
    `projects` and `submissions` default to the app's managers (a migration passes its historical ones)."""
    projects = TenantProject.objects if projects is None else projects
    own = projects.filter(cluster_id=OuterRef("cluster_id")).order_by().values("cluster_id")

    def first(field: str, **after) -> Coalesce:
        found = own.filter(**{f"{field}__gt": day, **after}).annotate(on=Min(field)).values("on")
        return Coalesce(Subquery(found, output_field=DateField()), Value(FAR), output_field=DateField())

    occupied = own.filter(occupying_on(day)).annotate(total=Sum("land_ha")).values("total")
    missing = own.filter(owing_form01(period)).filter(~filed_form01(period, submissions)).annotate(n=Count("pk"))
    lease_ends_today = Case(
        When(Exists(own.filter(lease_end=day)), then=Value(day + datetime.timedelta(days=1))),
        default=Value(FAR),
        output_field=DateField(),
    )
    return {
        "occupied_ha": Coalesce(Subquery(occupied, output_field=HECTARES), Value(Decimal(0)), output_field=HECTARES),
        "occupied_from": Value(day),
        # the first later day on which some project's land may start or stop counting: a lease ending on a
        # later day is taken at that day (one day early: a recompute more, never a stale figure)
        "occupied_until": Least(
            first("lease_start"), first("approval_date"), first("ended_on"), first("lease_end"), lease_ends_today
        ),
        "form01_period": Value(period.code),
        "form01_missing": Coalesce(
            Subquery(missing.values("n"), output_field=IntegerField()), Value(0), output_field=IntegerField()
        ),
    }


def stale_q(day: datetime.date, period: periods.Period, prefix: str = "tenancy_state__") -> Q:
    """Clusters (`prefix`: the path from the queried model to the kept row) whose kept row is missing or does
    not hold `day` and `period`: for a read that joins the kept rows anyway to count them in the same query,
    and call `refresh` only when there are any (what `current` does in a query of its own)."""
    missing = Q(**{f"{prefix}cluster__isnull": True})
    return missing | ~valid_q(day, period, prefix)


def current(clusters, day: datetime.date, period: periods.Period | None = None) -> None:
    """Make the kept rows of `clusters` (a Cluster queryset) hold `day`'s land and `period`'s Form 01
    (default: the period due on `day`), recomputing those that do not. One query when none needs it,
    four when some do, whatever the number of clusters."""
    period = period or periods.due(ReportForm.FORM_01, day)
    kept = TenancyState.objects.filter(valid_q(day, period)).values("cluster_id")
    if clusters.order_by().exclude(pk__in=kept).exists():
        refresh(clusters, day, period)


def refresh(clusters, day: datetime.date, period: periods.Period) -> None:
    """Recompute the rows of `clusters` that do not hold `day` and `period` (created when missing), under
    their row locks: an insert, a lock, an update."""
    scope = clusters.order_by().values("pk")
    using = router.db_for_write(TenancyState)
    with transaction.atomic(using=using):
        _create_missing(scope, using)
        rows = TenancyState.objects.filter(cluster__in=scope).exclude(valid_q(day, period))
        list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
        rows.update(**figures(day, period))


def _create_missing(scope, using: str) -> None:
    """A stale row for every cluster of `scope` that has none, in one statement (INSERT … SELECT)."""
    connection = connections[using]
    table = connection.ops.quote_name(TenancyState._meta.db_table)
    clusters = connection.ops.quote_name(Cluster._meta.db_table)
    sql, params = scope.query.get_compiler(using).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (cluster_id, occupied_ha, occupied_from, occupied_until, form01_period, "
            f"form01_missing) SELECT id, 0, NULL, NULL, '', 0 FROM {clusters} WHERE id IN ({sql}) "
            "ON CONFLICT (cluster_id) DO NOTHING",
            params,
        )


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


def _bulk_written(sender, cluster_ids, **kwargs):
    mark_stale(cluster_ids)


def connect() -> None:
    from .bulk import projects_written  # the tenant import's bulk writes send no post_save

    projects_written.connect(_bulk_written, dispatch_uid="tenancy-kept-projects-bulk")
    pre_save.connect(_remember_project, sender=TenantProject, dispatch_uid="tenancy-kept-project-remember")
    post_save.connect(_project_written, sender=TenantProject, dispatch_uid="tenancy-kept-project-saved")
    post_delete.connect(_project_written, sender=TenantProject, dispatch_uid="tenancy-kept-project-deleted")
    pre_save.connect(_remember_submission, sender=Submission, dispatch_uid="tenancy-kept-submission-remember")
    post_save.connect(_submission_written, sender=Submission, dispatch_uid="tenancy-kept-submission-saved")
    post_delete.connect(_submission_written, sender=Submission, dispatch_uid="tenancy-kept-submission-deleted")
