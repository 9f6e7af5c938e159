"""What construction monitoring contributes to other apps' pages (registered in apps.py)."""

from icis.clusters.choices import ClusterStatus

from . import selectors

PANEL_STAGES = (ClusterStatus.ESTABLISHED, ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.INFRASTRUCTURE_COMPLETE)


def cluster(request, cluster):
    """The cluster page's construction section; left out for a cluster with no construction stage and no records."""
    data = selectors.cluster_construction(cluster, user=request.user)
    if not (data["has_data"] or cluster.status in PANEL_STAGES):
        return None
    return {"show": True, "cluster": cluster, "c": data}


def dashboard(request, obj):
    """Open and overdue obstacles for the dashboard."""
    return {"show": True, "counts": selectors.open_obstacle_count(request.user)}
