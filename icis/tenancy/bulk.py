"""The tenant import's writes in bulk: new tenants, their projects and each project's first status row, a few
statements per batch instead of several per row.

They leave what `services.tenant_create` and `services.project_create` leave (a test compares the two on one
file, icis/tenancy/tests/test_bulk_import.py): the same rows, the same status rows (actor, interface, reason)
and the same field history (django-simple-history: one record per object, by the importing user, through the
import channel). The checks the services make were made by the import before (icis/tenancy/imports.py: each
cell by its model field, `full_clean` without its per-row queries, the land left counted in memory with the
cluster's row locked once, tax codes and projects against the file and the database); the database enforces
its constraints on insert. Bulk inserts send no `post_save`, so `projects_written` tells the apps that keep
figures from tenant projects (the portal's vacant land) once per import.
"""

from django.dispatch import Signal
from django.utils.translation import gettext as _

from icis.core import channel
from icis.core.imports import bulk as shared
from icis.core.text import search_words

from .models import ProjectStatusChange, Tenant, TenantProject

BATCH = shared.BATCH

# Sent with `cluster_ids` after tenant projects were written in bulk (no post_save was sent for them).
projects_written = Signal()


def create_tenants(tenants: list[Tenant], *, actor) -> None:
    """Insert new tenants (their primary keys set on the objects) with a creation record each."""
    for tenant in tenants:
        tenant.search_text = search_words(tenant.name, tenant.tax_code)  # what Tenant.save sets
    Tenant.objects.bulk_create(tenants, batch_size=BATCH)
    shared.history(Tenant, tenants, actor=actor)


def create_projects(projects: list[TenantProject], *, actor) -> None:
    """Insert new projects (their tenants already written) with a creation record and the first row of their
    lifecycle each, as `project_create` writes them."""
    TenantProject.objects.bulk_create(projects, batch_size=BATCH)
    shared.history(TenantProject, projects, actor=actor)
    reason, interface = _("Registered"), channel.current()
    ProjectStatusChange.objects.bulk_create(
        [
            ProjectStatusChange(
                project=project,
                from_status="",
                to_status=project.status,
                effective_on=project.status_since,
                reason=reason,
                document=None,
                actor=actor,
                interface=interface,
            )
            for project in projects
        ],
        batch_size=BATCH,
    )


def projects_done(cluster_ids) -> None:
    """Tell the apps that keep figures from tenant projects that these clusters' projects were written in bulk
    (once per import, after its last batch)."""
    projects_written.send(sender=TenantProject, cluster_ids=sorted(set(cluster_ids)))
