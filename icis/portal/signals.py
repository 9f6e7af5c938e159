"""Keep each cluster's occupied land (`ClusterLand`) in step with its tenant projects: every save or
delete of a tenant project, through the tenancy services or not (and each bulk write of them, which sends
`projects_written` instead), recomputes its cluster's figure (and the
cluster it left, when a project moves) in the same transaction, and the public answers are rebuilt once it
commits. The portal listens to tenancy, never the other way round (the apps' dependency direction)."""

from django.db.models.signals import post_delete, post_save, pre_save

from icis.tenancy.bulk import projects_written
from icis.tenancy.models import TenantProject

from . import services


def _remember_cluster(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        instance._portal_old_cluster_id = None
        return
    instance._portal_old_cluster_id = (
        TenantProject.objects.filter(pk=instance.pk).values_list("cluster_id", flat=True).first()
    )


def _project_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture or a backup: `portal_refresh` recomputes afterwards
        return
    ids = {instance.cluster_id, getattr(instance, "_portal_old_cluster_id", None)} - {None}
    services.land_refresh(cluster_ids=sorted(ids))


def _project_deleted(sender, instance, **kwargs):
    services.land_refresh(cluster_ids=[instance.cluster_id])


def _projects_written(sender, cluster_ids, **kwargs):
    services.land_refresh(cluster_ids=list(cluster_ids))


def connect() -> None:
    pre_save.connect(_remember_cluster, sender=TenantProject, dispatch_uid="portal-land-remember")
    post_save.connect(_project_saved, sender=TenantProject, dispatch_uid="portal-land-saved")
    post_delete.connect(_project_deleted, sender=TenantProject, dispatch_uid="portal-land-deleted")
    projects_written.connect(_projects_written, dispatch_uid="portal-land-bulk")
