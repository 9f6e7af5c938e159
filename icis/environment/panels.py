"""What the wastewater app contributes to other apps' pages (registered in apps.py)."""

from . import selectors
from .choices import ViolationStatus
from .models import Violation


def cluster(request, cluster):
    """The cluster page's wastewater section: its plants, their standing, Circular 14 items 13–14."""
    user = request.user
    open_count = (
        Violation.objects.restrict(user)
        .filter(plant__cluster_links__cluster=cluster, status=ViolationStatus.OPEN)
        .distinct()
        .count()
    )
    return {
        "show": True,
        "cluster": cluster,
        "items": selectors.cluster_items(cluster, user=user),
        "open_violations": open_count,
    }
