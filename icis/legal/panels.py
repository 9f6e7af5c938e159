"""What the legal gates contribute to other apps' pages (registered in apps.py)."""

from icis.clusters.choices import ClusterStatus
from icis.planning.selectors import area_statements


def cluster(request, cluster):
    """The cluster's areas as each document states them, and links to the legal gates."""
    action = "establish" if cluster.status == ClusterStatus.PLANNED else "expand"
    return {"cluster": cluster, "areas": area_statements(cluster), "action": action}
