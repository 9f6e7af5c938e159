"""Each cluster's first dated status changes kept on its row: `Cluster.first_established_on` (the first change
to established) and `Cluster.first_construction_on` (the first to under construction), of the cluster itself
(not an expansion's), undated changes not counted.

The construction summary, board and briefing and the dashboard's attention list test every cluster's dates;
read from the history they were a grouped scan of every status change (or a subquery a cluster) on each
request, growing with the registry; kept, they are two columns of the cluster row.

Writes keep them: every save or delete of a status change, and every save of a cluster (whose in-memory
copy may hold dates read before a change was recorded), recomputes that cluster's dates in the write's own
transaction (signals: the services, the admin, fixture loads and scripts are all covered). A bulk write that
sends no signal (the registry import, the synthetic data set) calls `refresh` for the clusters it wrote.
`refresh` locks the cluster rows first, so a change another transaction is committing is waited for and seen.
"""

from django.db import router, transaction
from django.db.models import Min, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save

from .choices import ClusterStatus
from .models import Cluster, StatusChange

# the kept column of each first change
FIRST_DATES = {
    ClusterStatus.ESTABLISHED: "first_established_on",
    ClusterStatus.UNDER_CONSTRUCTION: "first_construction_on",
}


def first_change(to_status: str, cluster_ref: str = "pk") -> Subquery:
    """The rule, computed from the history: the date of the cluster's first dated change to `to_status`."""
    changes = StatusChange.objects.filter(
        cluster=OuterRef(cluster_ref), expansion__isnull=True, to_status=to_status, effective_on__isnull=False
    )
    return Subquery(changes.order_by().values("cluster").annotate(first=Min("effective_on")).values("first")[:1])


def refresh(cluster_ids) -> int:
    """Recompute the kept first dates of the clusters with `cluster_ids` (ids or a query of them); returns
    how many rows were updated."""
    clusters = Cluster.objects.filter(pk__in=cluster_ids)
    with transaction.atomic(using=router.db_for_write(Cluster)):
        # wait for (and then see) a change to these clusters another transaction is committing
        list(clusters.select_for_update().order_by("pk").values_list("pk", flat=True))
        return clusters.update(**{field: first_change(status) for status, field in FIRST_DATES.items()})


def _change_written(sender, instance, **kwargs):
    if instance.cluster_id is not None:
        refresh([instance.cluster_id])


def _cluster_saved(sender, instance, **kwargs):
    refresh([instance.pk])


def connect() -> None:
    """Keep the dates on every write that sends a signal (from ClustersConfig.ready())."""
    post_save.connect(_change_written, sender=StatusChange, dispatch_uid="clusters.kept.change_saved")
    post_delete.connect(_change_written, sender=StatusChange, dispatch_uid="clusters.kept.change_deleted")
    post_save.connect(_cluster_saved, sender=Cluster, dispatch_uid="clusters.kept.cluster_saved")
