"""The cluster page's dossier panel (the clusters app does not know dossiers)."""

from django import template

from .. import selectors
from ..choices import OUTCOME_COLOURS, STEP_STATE_COLOURS

register = template.Library()


@register.inclusion_tag("dossiers/_cluster_panel.html", takes_context=True)
def dossier_panel(context, cluster):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("dossiers.view_dossier"):
        return {"show": False}
    dossiers = selectors.with_states(selectors.dossier_list().restrict(user).filter(cluster=cluster))
    return {
        "show": True,
        "cluster": cluster,
        "dossiers": dossiers,
        "perms": context.get("perms"),
        "state_colours": STEP_STATE_COLOURS,
        "outcome_colours": OUTCOME_COLOURS,
    }
