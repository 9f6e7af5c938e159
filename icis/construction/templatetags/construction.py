"""Template hooks through which other apps' pages show construction data without importing this app."""

from django import template

from icis.clusters.choices import ClusterStatus

from .. import selectors

register = template.Library()

PANEL_STAGES = (ClusterStatus.ESTABLISHED, ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.INFRASTRUCTURE_COMPLETE)


@register.inclusion_tag("construction/_cluster_panel.html", takes_context=True)
def construction_panel(context, cluster):
    """The cluster page's construction section; empty for a cluster with no construction stage and no records."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("construction.view_progressreport"):
        return {"show": False}
    data = selectors.cluster_construction(cluster, user=user)
    show = data["has_data"] or cluster.status in PANEL_STAGES
    return {"show": show, "cluster": cluster, "c": data, "perms": context.get("perms")}


@register.inclusion_tag("construction/_dashboard_card.html", takes_context=True)
def construction_dashboard(context):
    """Open and overdue obstacles for the dashboard."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("construction.view_obstacle"):
        return {"show": False}
    return {"show": True, "counts": selectors.open_obstacle_count(user)}
