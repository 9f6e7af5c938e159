"""The inspections panel of the cluster page: open and overdue violations, the last inspection."""

from django.utils import timezone

from . import selectors


def cluster(request, cluster) -> dict | None:
    summary = selectors.cluster_summary(request.user, cluster, timezone.localdate())
    if not summary["open"] and summary["last"] is None:
        return None
    return {"cluster": cluster, **summary}
