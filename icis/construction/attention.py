"""What needs attention in construction: stalled and not-started clusters, overdue obstacles and
progress figures gone stale.

`items` reads them off the construction board (every cluster's forecast and flags); `summary`, what the
dashboard calls, counts each kind in the database from the kept progress state and the lifecycle dates
and words only the first few, with the same tests and the same reasons (`selectors.not_started_reason`,
`selectors.stalled_reason`)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Case, DateField, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.attention import Group, Item, counted_first, group_items

from .choices import Flag, MilestoneKind, ObstacleStatus
from .models import Milestone, Obstacle, ProgressState
from .selectors import (
    BOARD_STAGES,
    Point,
    _first_change,
    add_months,
    construction_board,
    not_started_reason,
    stalled_reason,
)


def items(user, today):
    if not user.has_perm("construction.view_progressreport"):
        return
    for row in construction_board(user=user, today=today):
        url = reverse("construction:cluster_progress", args=[row.cluster.pk])
        for note in row.flags:
            if note.flag == Flag.STALLED:
                since = row.latest.on if row.latest else row.started_on
                yield Item("stalled", _("Stalled"), row.cluster.name, note.reason, url, since, 1)
            elif note.flag == Flag.NOT_STARTED:
                yield Item("not_started", _("Not started"), row.cluster.name, note.reason, url, row.established_on, 1)
        if row.freshness and row.freshness.stale and row.latest:
            yield Item(
                "stale",
                _("Figures gone stale"),
                row.cluster.name,
                _("No accepted progress report for more than %(days)s days.") % {"days": settings.ICIS_STALE_DAYS},
                url,
                row.latest.on,
                3,
            )
    for obstacle in _overdue_obstacles(user, today):
        yield _obstacle_item(obstacle)


def _overdue_obstacles(user, today):
    return (
        Obstacle.objects.restrict(user)
        .filter(due_on__lt=today)
        .exclude(status=ObstacleStatus.RESOLVED)
        .select_related("cluster", "responsible_organisation")
        .order_by("due_on")
    )


def _obstacle_item(obstacle) -> Item:
    return _overdue_item(
        obstacle.pk, obstacle.cluster.name, obstacle.get_category_display(), obstacle.responsible, obstacle.due_on
    )


def _overdue_item(pk: int, cluster: str, category: str, responsible: str, due_on: datetime.date) -> Item:
    return Item(
        "obstacle_overdue",
        _("Obstacle past its due date"),
        f"{cluster}: {category}",
        _("Due %(date)s; responsible: %(who)s.") % {"date": formats.date(due_on), "who": responsible or "—"},
        reverse("construction:obstacle_edit", args=[pk]),
        due_on,
        1,
    )


def _obstacle_row_item(row) -> Item:
    """`_obstacle_item` of a `values()` row (`_OBSTACLE_VALUES`): what the summary reads in one query."""
    category = Obstacle._meta.get_field("category").flatchoices
    organisation = row["responsible_organisation_id"]
    responsible = row["responsible_organisation__name"] if organisation else row["responsible_agency"]
    category_label = str(dict(category).get(row["category"], row["category"]))
    return _overdue_item(row["pk"], row["cluster__name"], category_label, responsible, row["due_on"])


_OBSTACLE_VALUES = (
    "pk",
    "cluster__name",
    "category",
    "responsible_agency",
    "responsible_organisation_id",
    "responsible_organisation__name",
    "due_on",
)


def _url(cluster_id: int) -> str:
    return reverse("construction:cluster_progress", args=[cluster_id])


# The three cluster kinds in one statement. `c` is the scoped board clusters with the kept progress state and
# the lifecycle dates each computed once (a CTE read four times is materialised once); `k` is one row a
# cluster and kind it is in (a cluster can be in several), plus an "after" row for each cluster with an
# accepted report dated after today (then the kept state is not the trail as of today: the board decides).
# Each kind is numbered in `item_order` (its date, then the name by code point, as Python compares
# strings), ties after that in the board's order (stage, sort name, code), and counted, before all but
# its first rows are dropped: at most `limit` rows a kind come back, however many clusters are flagged.
_FLAGGED_SQL = """
WITH c AS ({clusters}),
k AS (
    SELECT 'after' AS kind, id, name, status, sort_name, code, a_latest_on AS since,
           a_rise_on, a_rise_percent, a_started_on
    FROM c WHERE a_latest_on > %s
    UNION ALL
    SELECT 'not_started', id, name, status, sort_name, code, a_established_on,
           a_rise_on, a_rise_percent, a_started_on
    FROM c WHERE status = %s AND a_established_on < %s
    UNION ALL
    SELECT 'stalled', id, name, status, sort_name, code, COALESCE(a_latest_on, a_started_on),
           a_rise_on, a_rise_percent, a_started_on
    FROM c WHERE status = %s AND COALESCE(a_rise_on, a_started_on) < %s
    UNION ALL
    SELECT 'stale', id, name, status, sort_name, code, a_latest_on,
           a_rise_on, a_rise_percent, a_started_on
    FROM c WHERE a_latest_on < %s
)
SELECT kind, id, name, since, a_rise_on, a_rise_percent, a_started_on, n FROM (
    SELECT k.*,
           ROW_NUMBER() OVER (
               PARTITION BY kind
               ORDER BY since, name COLLATE {binary},
                        CASE status {stages} END, sort_name COLLATE {binary}, code
           ) AS rn,
           COUNT(*) OVER (PARTITION BY kind) AS n
    FROM k
) ranked
WHERE rn <= %s
ORDER BY kind, rn
"""


def _flagged(clusters, today: datetime.date, limit: int) -> dict[str, tuple[int, list]] | None:
    """Each cluster kind's count and first `limit` rows (oldest first) among `clusters`, in one query; None
    when some cluster has an accepted report dated after `today`."""
    milestone = (
        Milestone.objects.filter(cluster=OuterRef("pk"), kind=MilestoneKind.CONSTRUCTION_START, actual_on__isnull=False)
        .order_by()
        .values("actual_on")[:1]
    )  # one a cluster and kind: no ordering (the default's join to clusters)
    inner = (
        clusters.order_by()
        .annotate(
            # each only where its test needs it: CASE reads the subqueries of those rows alone
            a_established_on=Case(
                When(status=ClusterStatus.ESTABLISHED, then=_first_change(ClusterStatus.ESTABLISHED)),
                output_field=DateField(),
            ),
            a_started_on=Case(
                When(
                    status=ClusterStatus.UNDER_CONSTRUCTION,
                    then=Coalesce(_first_change(ClusterStatus.UNDER_CONSTRUCTION), Subquery(milestone)),
                ),
                output_field=DateField(),
            ),
            a_latest_on=F("progress_state__latest_on"),
            a_rise_on=F("progress_state__last_increase_on"),
            a_rise_percent=F("progress_state__last_increase_percent"),
        )
        .values(
            "id",
            "name",
            "status",
            "sort_name",
            "code",
            "a_established_on",
            "a_started_on",
            "a_latest_on",
            "a_rise_on",
            "a_rise_percent",
        )
    )
    sql, params = inner.query.sql_with_params()
    stages = " ".join(f"WHEN '{stage}' THEN {n}" for n, stage in enumerate(BOARD_STAGES))
    binary = '"C"' if connection.vendor == "postgresql" else "BINARY"
    day = connection.ops.adapt_datefield_value
    params = (
        *params,
        day(today),
        ClusterStatus.ESTABLISHED,
        day(add_months(today, -settings.ICIS_NOT_STARTED_MONTHS)),
        ClusterStatus.UNDER_CONSTRUCTION,
        day(add_months(today, -settings.ICIS_STALLED_MONTHS)),
        day(today - datetime.timedelta(days=settings.ICIS_STALE_DAYS)),
        limit,
    )
    with connection.cursor() as cursor:
        cursor.execute(_FLAGGED_SQL.format(clusters=sql, stages=stages, binary=binary), params)
        rows = cursor.fetchall()
    percent = ProgressState._meta.get_field("last_increase_percent")
    column = percent.get_col(ProgressState._meta.db_table)
    converters = [*connection.ops.get_db_converters(column), *percent.get_db_converters(connection)]
    found: dict[str, tuple[int, list]] = {}
    for kind, pk, name, since, rise_on, rise_percent, started_on, count in rows:
        if kind == "after":
            return None
        for convert in converters:
            rise_percent = convert(rise_percent, column, connection)
        row = {
            "pk": pk,
            "name": name,
            "since": _date(since),
            "rise_on": _date(rise_on),
            "rise_percent": rise_percent,
            "started_on": _date(started_on),
        }
        found.setdefault(kind, (count, []))[1].append(row)
    return found


def _date(value) -> datetime.date | None:
    """A date read by a raw query: SQLite gives the text of an expression's date (PostgreSQL, a date)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def summary(user, today: datetime.date, limit: int) -> list[Group]:
    """`items` grouped (`icis.core.attention.group_items`), counted in the database: two queries whatever the
    number of clusters (the three cluster kinds in one, `_flagged`; the overdue obstacles in another). The kept progress
    state is each cluster's trail as of today unless a cluster has an accepted report dated after today;
    then the board decides, as `items` does."""
    if not user.has_perm("construction.view_progressreport"):
        return []
    clusters = Cluster.objects.restrict(user).filter(status__in=BOARD_STAGES)
    found = _flagged(clusters, today, max(limit, 1))
    if found is None:
        return group_items(items(user, today), limit)
    shown = max(limit, 0)

    def group(kind, label, severity, build) -> Group:
        count, rows = found.get(kind, (0, []))
        return Group(kind, label, severity, count, [build(row) for row in rows[:shown]])

    def stalled_item(row) -> Item:
        rise = Point(row["rise_on"], Decimal(row["rise_percent"])) if row["rise_on"] else None
        reason = stalled_reason(row["rise_on"] or row["started_on"], rise, today)
        return Item("stalled", _("Stalled"), row["name"], reason, _url(row["pk"]), row["since"], 1)

    # the wording of each kind, as `items` words it
    detail = _("No accepted progress report for more than %(days)s days.") % {"days": settings.ICIS_STALE_DAYS}
    groups = [
        # not started: established more than ICIS_NOT_STARTED_MONTHS before today and still established
        group(
            "not_started",
            _("Not started"),
            1,
            lambda row: Item(
                "not_started",
                _("Not started"),
                row["name"],
                not_started_reason(row["since"], today),
                _url(row["pk"]),
                row["since"],
                1,
            ),
        ),
        # stalled: under construction, no increase (or, without one, no start) within ICIS_STALLED_MONTHS;
        # the start is the first change to under construction, else the construction-start milestone reached
        group("stalled", _("Stalled"), 1, stalled_item),
        # figures gone stale: the latest accepted report older than ICIS_STALE_DAYS
        group(
            "stale",
            _("Figures gone stale"),
            3,
            lambda row: Item("stale", _("Figures gone stale"), row["name"], detail, _url(row["pk"]), row["since"], 3),
        ),
    ]
    overdue = _overdue_obstacles(user, today).values(*_OBSTACLE_VALUES)
    count, shown_obstacles = counted_first(overdue, since="due_on", limit=limit, build=_obstacle_row_item)
    groups.append(Group("obstacle_overdue", _("Obstacle past its due date"), 1, count, shown_obstacles))
    return groups
