"""The cluster page's small map: the cluster's point or boundary, and a link to place it."""

from .views import map_settings


def cluster(request, cluster) -> dict:
    has_position = cluster.boundary or (cluster.latitude is not None and cluster.longitude is not None)
    return {
        "cluster": cluster,
        "has_position": bool(has_position),
        "may_place": request.user.has_perm("clusters.change_cluster"),
        "map_settings": map_settings(),
    }
