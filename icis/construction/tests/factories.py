"""Builders for construction tests: clusters with a dated lifecycle, and accepted reports."""

import datetime
from decimal import Decimal

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.construction import services
from icis.testing.factories import make_cluster, superuser


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def cluster_with_history(
    *,
    established_on: datetime.date | str | None,
    started_on: datetime.date | str | None = None,
    completed_on: datetime.date | str | None = None,
    planned_on: datetime.date | str = "2016-01-01",
    **fields,
):
    """A cluster planned, then established, started and completed on the given dates (each optional)."""
    actor = superuser()
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=_d(planned_on), **fields)
    steps = [
        (ClusterStatus.ESTABLISHED, established_on),
        (ClusterStatus.UNDER_CONSTRUCTION, started_on),
        (ClusterStatus.INFRASTRUCTURE_COMPLETE, completed_on),
    ]
    for status, when in steps:
        if when is None:
            break
        cluster = cluster_services.cluster_transition(
            cluster=cluster, to_status=status, effective_on=_d(when), reason="test history", actor=actor
        )
    return cluster


def _d(value):
    return day(value) if isinstance(value, str) else value


def accepted(cluster, on, percent, *, components=None, reason="", actor=None, **data):
    """Submit and accept a report (as DoIT would)."""
    actor = actor or superuser()
    report = services.progress_report_submit(
        cluster=cluster,
        data={"report_date": _d(on), "overall_percent": Decimal(str(percent)), "decrease_reason": reason, **data},
        components=components,
        actor=actor,
    )
    return services.progress_report_accept(report=report, actor=actor)
