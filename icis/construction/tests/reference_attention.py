"""The construction summary as it was before it read its kinds in one query (one existence check, then a
count and first-items query per kind): the reference `attention.summary` is compared with, item for item."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import DateField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from icis.clusters.choices import ClusterStatus
from icis.clusters.kept import first_change
from icis.clusters.models import Cluster
from icis.construction.attention import _obstacle_item, _overdue_obstacles, _url, items
from icis.construction.choices import MilestoneKind
from icis.construction.models import Milestone, ProgressState
from icis.construction.selectors import (
    BOARD_STAGES,
    Point,
    add_months,
    not_started_reason,
    stalled_reason,
)
from icis.core.attention import Group, Item, counted_first, group_items


def reference_summary(user, today: datetime.date, limit: int) -> list[Group]:
    """`items` grouped (`icis.core.attention.group_items`), counted in the database: a few queries whatever
    the number of clusters. The kept progress state is each cluster's trail as of today unless a cluster
    has an accepted report dated after today; then the board decides, as `items` does."""
    if not user.has_perm("construction.view_progressreport"):
        return []
    clusters = Cluster.objects.restrict(user).filter(status__in=BOARD_STAGES)
    if ProgressState.objects.filter(cluster__in=clusters.values("pk"), latest_on__gt=today).exists():
        return group_items(items(user, today), limit)
    clusters = clusters.order_by().annotate(
        latest_on=F("progress_state__latest_on"),
        rise_on=F("progress_state__last_increase_on"),
        rise_percent=F("progress_state__last_increase_percent"),
    )
    groups = []

    # not started: established more than ICIS_NOT_STARTED_MONTHS before today and still established
    not_started = (
        clusters.filter(status=ClusterStatus.ESTABLISHED)
        .annotate(established_on=first_change(ClusterStatus.ESTABLISHED))
        .filter(established_on__lt=add_months(today, -settings.ICIS_NOT_STARTED_MONTHS))
    )
    count, found = counted_first(
        not_started.values("pk", "name", "established_on"),
        since="established_on",
        limit=limit,
        title="name",
        build=lambda row: Item(
            "not_started",
            _("Not started"),
            row["name"],
            not_started_reason(row["established_on"], today),
            _url(row["pk"]),
            row["established_on"],
            1,
        ),
    )
    groups.append(Group("not_started", _("Not started"), 1, count, found))

    # stalled: under construction, no increase (or, without one, no start) within ICIS_STALLED_MONTHS;
    # the start is the first change to under construction, else the construction-start milestone reached
    milestone = (
        Milestone.objects.filter(cluster=OuterRef("pk"), kind=MilestoneKind.CONSTRUCTION_START, actual_on__isnull=False)
        .order_by()
        .values("actual_on")[:1]
    )  # one a cluster and kind: no ordering (the default's join to clusters)
    stalled = (
        clusters.filter(status=ClusterStatus.UNDER_CONSTRUCTION)
        .annotate(started_on=Coalesce(first_change(ClusterStatus.UNDER_CONSTRUCTION), Subquery(milestone)))
        .annotate(
            progress_since=Coalesce("rise_on", "started_on", output_field=DateField()),
            shown_since=Coalesce("latest_on", "started_on", output_field=DateField()),
        )
        .filter(progress_since__lt=add_months(today, -settings.ICIS_STALLED_MONTHS))
    )

    def stalled_item(row) -> Item:
        rise = Point(row["rise_on"], Decimal(row["rise_percent"])) if row["rise_on"] else None
        reason = stalled_reason(row["progress_since"], rise, today)
        return Item("stalled", _("Stalled"), row["name"], reason, _url(row["pk"]), row["shown_since"], 1)

    count, found = counted_first(
        stalled.values("pk", "name", "rise_on", "rise_percent", "progress_since", "shown_since"),
        since="shown_since",
        limit=limit,
        title="name",
        build=stalled_item,
    )
    groups.append(Group("stalled", _("Stalled"), 1, count, found))

    # figures gone stale: the latest accepted report older than ICIS_STALE_DAYS
    stale = clusters.filter(latest_on__lt=today - datetime.timedelta(days=settings.ICIS_STALE_DAYS))
    detail = _("No accepted progress report for more than %(days)s days.") % {"days": settings.ICIS_STALE_DAYS}
    count, found = counted_first(
        stale.values("pk", "name", "latest_on"),
        since="latest_on",
        limit=limit,
        title="name",
        build=lambda row: Item(
            "stale", _("Figures gone stale"), row["name"], detail, _url(row["pk"]), row["latest_on"], 3
        ),
    )
    groups.append(Group("stale", _("Figures gone stale"), 3, count, found))

    count, found = counted_first(_overdue_obstacles(user, today), since="due_on", limit=limit, build=_obstacle_item)
    groups.append(Group("obstacle_overdue", _("Obstacle past its due date"), 1, count, found))
    return groups
