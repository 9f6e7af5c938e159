"""What inspections show on other apps' pages: the cluster page's panel (open and overdue violations, the last
inspection) and, on construction's pages, the site visits, which are inspections of the topic construction."""

from django.utils import timezone

from . import selectors
from .choices import Topic


def cluster(request, cluster) -> dict | None:
    summary = selectors.cluster_summary(request.user, cluster, timezone.localdate())
    if not summary["open"] and summary["last"] is None:
        return None
    return {"cluster": cluster, **summary}


def construction_visits(request, cluster) -> dict:
    """The "Site visits" section of the cluster's construction page."""
    return {
        "cluster": cluster,
        "topic": Topic.CONSTRUCTION,
        **selectors.construction_visits(request.user, cluster, timezone.localdate()),
    }


def construction_visit_button(request, cluster) -> dict:
    """The construction page's "Record a site visit": a new inspection of the cluster, topic construction."""
    return {"cluster": cluster, "topic": Topic.CONSTRUCTION}


def construction_plans_button(request, obj) -> dict:
    """The construction board's "Site visit plans": the inspection plans."""
    return {}
