"""What the dossiers app contributes to other apps' pages (registered in apps.py)."""

from . import selectors
from .choices import OUTCOME_COLOURS, STEP_STATE_COLOURS


def cluster(request, cluster):
    """The cluster's establishment and expansion dossiers."""
    dossiers = selectors.with_states(selectors.dossier_list().restrict(request.user).filter(cluster=cluster))
    return {
        "show": True,
        "cluster": cluster,
        "dossiers": dossiers,
        "state_colours": STEP_STATE_COLOURS,
        "outcome_colours": OUTCOME_COLOURS,
    }
