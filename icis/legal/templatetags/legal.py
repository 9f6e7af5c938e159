from django import template

from icis.clusters.choices import ClusterStatus
from icis.planning.selectors import area_statements

register = template.Library()


@register.inclusion_tag("legal/_cluster_panel.html")
def legal_panel(cluster):
    """The cluster's areas as each document states them, and links to the legal gates."""
    action = "establish" if cluster.status == ClusterStatus.PLANNED else "expand"
    return {"cluster": cluster, "areas": area_statements(cluster), "action": action}
