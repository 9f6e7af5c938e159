"""Each cluster's accepted progress kept on write (`ProgressState`), and read back as a `Trail`.

Accepted is a report's last status and a newly accepted report is always dated after the cluster's last
accepted one (`services._check_against_last`), so a cluster's state changes only when one of its reports is
saved or deleted. The signal below rebuilds that cluster's row in the same transaction as the save, from
the reports themselves (one window query over the cluster's history, a delete and an insert): whatever
wrote the report (the services, the admin, a test factory), the row follows. Bulk writes that bypass
`save()` (`bulk_create`, `QuerySet.update`, raw SQL) must call `progress_state_refresh` themselves, as
`icis.synthetic.national` does.

Readers (`current_trails`) take the state for every cluster whose latest accepted report is on or before
the date asked for, which is all of them for today, and compute the others from the history
(`selectors.trails_by_cluster`): the figures are the same either way (tested), the state only skips
reading a cluster's whole history when nothing after the date can change it.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from icis.clusters.models import Cluster

from .models import ProgressReport, ProgressState

ALL_OF_IT = datetime.date(9999, 12, 31)
# What `current_trails` needs of a cluster row read with `.values()` (through the reverse one-to-one).
STATE_VALUES = tuple(
    f"progress_state__{name}"
    for name in (
        "accepted_count",
        "latest_on",
        "latest_percent",
        "recent",
        "last_increase_on",
        "last_increase_percent",
        "first_done_on",
        "first_done_percent",
    )
)


# What a reader of the latest report only (window 1: the summary) needs: no JSON to decode.
LATEST_VALUES = tuple(name for name in STATE_VALUES if name != "progress_state__recent")


def kept_forecast(trail, window: int) -> tuple[datetime.date | None, int]:
    """The forecast fields of a cluster's state: the projected completion from the last `window` reports of
    `trail` (None when complete, without a rate or beyond the horizon) and the window, 0 when the kept
    reports are too few for it (the reader then computes the forecast itself)."""
    from .selectors import forecast_completion

    if window > ProgressState.RECENT_KEPT:
        return None, 0
    forecast = forecast_completion(trail, window=window)
    return (forecast.expected_on if forecast.trend != "complete" else None), window


def _state_row(cluster_id: int, trail) -> ProgressState:
    latest = trail.latest
    forecast_on, forecast_window = kept_forecast(trail, settings.ICIS_FORECAST_REPORTS)
    return ProgressState(
        cluster_id=cluster_id,
        accepted_count=trail.count,
        latest_on=latest.on if latest else None,
        latest_percent=latest.percent if latest else None,
        recent=[[p.on.isoformat(), str(p.percent)] for p in trail.recent],
        last_increase_on=trail.last_increase.on if trail.last_increase else None,
        last_increase_percent=trail.last_increase.percent if trail.last_increase else None,
        first_done_on=trail.first_done.on if trail.first_done else None,
        first_done_percent=trail.first_done.percent if trail.first_done else None,
        forecast_on=forecast_on,
        forecast_window=forecast_window,
    )


def progress_state_refresh(clusters: QuerySet | None = None) -> int:
    """Rebuild the state of `clusters` (a cluster queryset; None: every cluster) from their accepted reports.

    Three queries whatever the number of clusters; returns the number of rows written.
    """
    from .selectors import trails_by_cluster

    trails = trails_by_cluster(clusters, ALL_OF_IT, window=ProgressState.RECENT_KEPT)
    old = ProgressState.objects.all()
    if clusters is not None:
        old = old.filter(cluster__in=clusters.order_by().values("pk"))
    old._raw_delete(old.db)
    rows = [_state_row(pk, trail) for pk, trail in trails.items() if trail.count]
    ProgressState.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _refresh_cluster(cluster_id: int) -> None:
    progress_state_refresh(Cluster.objects.filter(pk=cluster_id))


@receiver(post_save, sender=ProgressReport, dispatch_uid="construction_progress_state_save")
def _report_saved(sender, instance, raw=False, **kwargs):
    # A submitted or returned report changes nothing accepted (accepted is final: no report leaves it).
    if not raw and instance.status == "accepted":
        _refresh_cluster(instance.cluster_id)


@receiver(post_delete, sender=ProgressReport, dispatch_uid="construction_progress_state_delete")
def _report_deleted(sender, instance, **kwargs):
    if instance.status == "accepted":
        _refresh_cluster(instance.cluster_id)


def trail_of(values: dict, window: int):
    """The `Trail` a cluster row read with `STATE_VALUES` carries (an empty one without accepted reports)."""
    from .selectors import Point, Trail

    count = values.get("progress_state__accepted_count")
    if not count:
        return Trail()
    if window == 1 and "progress_state__recent" not in values:  # read without the JSON (`LATEST_VALUES`)
        recent = [Point(values["progress_state__latest_on"], values["progress_state__latest_percent"])]
    else:
        recent = [
            Point(datetime.date.fromisoformat(on), Decimal(percent))
            for on, percent in values["progress_state__recent"][-window:]
        ]
    rise_on, done_on = values["progress_state__last_increase_on"], values["progress_state__first_done_on"]
    return Trail(
        count=count,
        recent=tuple(recent),
        last_increase=Point(rise_on, values["progress_state__last_increase_percent"]) if rise_on else None,
        first_done=Point(done_on, values["progress_state__first_done_percent"]) if done_on else None,
    )


def usable(values: dict, as_of: datetime.date, window: int) -> bool:
    """Whether the kept state is the cluster's trail as of `as_of` with `window` recent reports."""
    count = values.get("progress_state__accepted_count")
    if not count:
        return True  # no accepted report at all: nothing before as_of either
    if values["progress_state__latest_on"] > as_of:
        return False  # a report after as_of: the history decides
    return window <= ProgressState.RECENT_KEPT or count <= len(values["progress_state__recent"])


def current_trails(rows: list[dict], as_of: datetime.date, window: int, *, scope: QuerySet | None) -> dict:
    """Each cluster's `Trail` as of `as_of`, for cluster rows read with `STATE_VALUES` and their pk.

    The state where it holds (`usable`), the history for the others: one query more, and only when some
    cluster of `scope` has an accepted report after `as_of` (a past date) or the window outgrows the state.
    """
    from .selectors import trails_by_cluster

    trails, behind = {}, False
    for values in rows:
        if usable(values, as_of, window):
            trails[values["pk"]] = trail_of(values, window)
        else:
            behind = True
    if behind:
        later = ProgressState.objects.filter(accepted_count__gt=0)
        if window <= ProgressState.RECENT_KEPT:
            later = later.filter(latest_on__gt=as_of)
        if scope is not None:
            later = later.filter(cluster__in=scope.order_by().values("pk"))
        recomputed = trails_by_cluster(Cluster.objects.filter(pk__in=later.values("cluster_id")), as_of, window)
        for values in rows:
            if not usable(values, as_of, window):
                trails[values["pk"]] = recomputed.get(values["pk"]) or trail_of({}, window)
    return trails


def state_values(cluster) -> dict:
    """A cluster object read with `select_related("progress_state")` as the rows `current_trails` takes."""
    try:
        state = cluster.progress_state
    except ProgressState.DoesNotExist:
        return {"pk": cluster.pk}
    values = {f"progress_state__{f.attname}": getattr(state, f.attname) for f in ProgressState._meta.concrete_fields}
    return {"pk": cluster.pk, **values}
