"""What tenancy contributes to other apps' pages (registered in apps.py)."""

from . import selectors
from .models import TenantProject


def cluster(request, cluster):
    """Occupancy and tenant projects on the cluster page."""
    projects = TenantProject.objects.restrict(request.user).filter(cluster=cluster).select_related("tenant")
    return {
        "cluster": cluster,
        "occupancy": selectors.cluster_occupancy(cluster),
        "projects": list(projects[:20]),
        "project_count": projects.count(),
    }
