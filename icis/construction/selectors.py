"""Reads: forecasts, flags, the construction board, the half-year summary and the cluster panel.

Everything that aggregates many clusters runs a fixed number of queries (no query per cluster):
one for the clusters with their lifecycle dates, one for what the accepted reports say (a `Trail` per
cluster, computed in SQL: the count, the last few reports, the last increase and the first 100 %, never
every report), one for milestones; the per-cluster arithmetic is plain Python on those rows.
"""

import calendar
import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Collate, Concat, Greatest, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.choices import ClusterStatus
from icis.clusters.kept import FIRST_DATES
from icis.clusters.models import Cluster, StatusChange
from icis.core import formats
from icis.core.freshness import freshness

from .choices import FLAG_COLOURS, MILESTONE_ORDER, Flag, MilestoneKind, ObstacleStatus, ReportStatus, VisitPlanStatus
from .models import DUE_FIRST, OBSTACLE_ORDER, Milestone, Obstacle, ProgressReport, ProgressState  # noqa: F401
from .state import LATEST_VALUES, current_trails, state_values

DAYS_PER_MONTH = 365.25 / 12
STARTED_STATES = (ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.OPERATING)
COMPLETE_STATES = (ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.OPERATING)
BOARD_STAGES = (ClusterStatus.ESTABLISHED, ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.INFRASTRUCTURE_COMPLETE)
# A forecast further away than this says more about a near-zero rate than about a date.
FORECAST_HORIZON_DAYS = 20 * 365


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (negative: earlier), on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, min(day.day, last))


def _fmt(day: datetime.date | None) -> str:
    return formats.date(day) if day else "—"


def _pct(value) -> str:
    return formats.number(value)  # the page language's decimal mark, no trailing zeros


@dataclass(frozen=True, order=True)
class Point:
    """An accepted report's overall progress on its date."""

    on: datetime.date
    percent: Decimal


@dataclass(frozen=True)
class Trail:
    """What the forecast and the flags need of a cluster's accepted reports, without all of them.

    - count: how many accepted reports there are;
    - recent: the last reports (at least the forecast window's), oldest first;
    - last_increase: the latest report that raised overall progress over the one before it (the first
      report counts when above 0), None if none did;
    - first_done: the first report at 100 %, None if none is.
    Reports are in (date, percent) order, as `sorted(points)` puts them.
    """

    count: int = 0
    recent: tuple = ()
    last_increase: Point | None = None
    first_done: Point | None = None

    @classmethod
    def of(cls, points, window: int | None = None) -> "Trail":
        if isinstance(points, Trail):
            return points
        ordered = sorted(points)
        best = None
        previous = Decimal("0")
        for point in ordered:
            if point.percent > previous:
                best = point
            previous = point.percent
        return cls(
            count=len(ordered),
            recent=tuple(ordered[-window:] if window else ordered),
            last_increase=best,
            first_done=next((p for p in ordered if p.percent >= 100), None),
        )

    @property
    def latest(self) -> Point | None:
        return self.recent[-1] if self.recent else None


# ---------------------------------------------------------------------------------------------- forecast


@dataclass(frozen=True)
class Forecast:
    expected_on: datetime.date | None
    rate_per_month: float | None  # percentage points per month
    reports_used: int
    trend: str  # none | insufficient | stalled | steady | accelerating | slowing | complete
    explanation: str


def forecast_method(window: int | None = None) -> str:
    window = window or settings.ICIS_FORECAST_REPORTS
    return _(
        "Expected completion: the rate of progress is the least-squares slope of overall progress (%%) against "
        "date over the last %(n)s accepted reports; the date is the last report's date plus the remaining "
        "percentage divided by that rate. One report gives no rate; no increase over the window gives no date."
    ) % {"n": window}


def forecast_completion(
    points: "list[Point] | Trail", *, window: int | None = None, as_of: datetime.date | None = None
) -> Forecast:
    """Expected completion date from accepted reports (see `forecast_method`).

    With `as_of`, a history whose last increase is older than ICIS_STALLED_MONTHS gives no date: an
    old rate says nothing about a site where nothing has moved since.
    """
    window = window or settings.ICIS_FORECAST_REPORTS
    trail = Trail.of(points, window)
    if not trail.count:
        return Forecast(None, None, 0, "none", _("No accepted progress report yet."))
    if trail.first_done is not None:
        return Forecast(
            trail.first_done.on,
            None,
            trail.count,
            "complete",
            _("Reported complete (100%%) on %(date)s.") % {"date": _fmt(trail.first_done.on)},
        )
    if as_of is not None:
        since, point = last_progress_on(trail, None)
        if since is not None and since < add_months(as_of, -settings.ICIS_STALLED_MONTHS):
            return Forecast(
                None,
                None,
                trail.count,
                "stalled",
                _("No increase since %(date)s (%(percent)s%%): completion cannot be forecast.")
                % {"date": _fmt(since), "percent": _pct(point.percent)},
            )
    used = list(trail.recent[-window:])
    last = used[-1]
    if len(used) < 2:
        return Forecast(
            None,
            None,
            1,
            "insufficient",
            _("Only one accepted report (%(date)s, %(percent)s%%): at least two are needed to estimate a rate.")
            % {"date": _fmt(last.on), "percent": _pct(last.percent)},
        )
    xs = [(p.on - used[0].on).days for p in used]
    ys = [float(p.percent) for p in used]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx  # points per day
    rate = slope * DAYS_PER_MONTH
    span = {"n": len(used), "first": _fmt(used[0].on), "last": _fmt(last.on)}
    remaining = 100 - float(last.percent)
    if slope <= 0 or remaining / slope > FORECAST_HORIZON_DAYS:
        return Forecast(
            None,
            rate,
            len(used),
            "stalled",
            _(
                "No increase over the last %(n)s reports (%(first)s–%(last)s): completion cannot be forecast "
                "at this rate."
            )
            % span
            if slope <= 0
            else _("Progress over the last %(n)s reports (%(first)s–%(last)s) is too slow to forecast a date.") % span,
        )
    expected = last.on + datetime.timedelta(days=math.ceil(remaining / slope))
    recent = (ys[-1] - ys[-2]) / max((used[-1].on - used[-2].on).days, 1)
    trend = "steady"
    if recent > 1.25 * slope:
        trend = "accelerating"
    elif recent < 0.75 * slope:
        trend = "slowing"
    text = _(
        "%(rate)s points a month (least-squares over %(n)s reports, %(first)s–%(last)s); %(remaining)s%% to go "
        "from %(percent)s%% → %(date)s."
    ) % {
        **span,
        "rate": formats.number(Decimal(str(rate)), 1),
        "remaining": formats.number(Decimal(str(remaining)).quantize(Decimal("0.1"))),
        "percent": _pct(last.percent),
        "date": _fmt(expected),
    }
    if trend == "accelerating":
        text += " " + _("The latest reports are faster than this rate: completion may come earlier.")
    elif trend == "slowing":
        text += " " + _("The latest reports are slower than this rate: completion may come later.")
    return Forecast(expected, rate, len(used), trend, text)


# ---------------------------------------------------------------------------------------------- flags


@dataclass(frozen=True)
class FlagNote:
    flag: str
    reason: str

    @property
    def label(self) -> str:
        return str(Flag(self.flag).label)

    @property
    def colour(self) -> str:
        return FLAG_COLOURS[self.flag]


def last_progress_on(
    points: "list[Point] | Trail", started_on: datetime.date | None
) -> tuple[datetime.date | None, Point | None]:
    """The date of the latest accepted report that raised overall progress, with that report; else the start."""
    best = Trail.of(points).last_increase
    if best is not None:
        return best.on, best
    return started_on, None


def cluster_flags(
    *,
    stage: str | None,
    established_on: datetime.date | None,
    started_on: datetime.date | None,
    points: "list[Point] | Trail",
    milestones: list[Milestone],
    forecast: Forecast | None,
    as_of: datetime.date,
) -> list[FlagNote]:
    """The warnings for one cluster as of a date, each with its reason. `points` are accepted reports ≤ as_of
    (a list, of which later ones are dropped, or a `Trail` already computed as of that date)."""
    flags = []
    not_started_months = settings.ICIS_NOT_STARTED_MONTHS
    near = Decimal(settings.ICIS_NEAR_COMPLETE_PERCENT)
    if not isinstance(points, Trail):
        points = Trail.of([p for p in points if p.on <= as_of], 1)
    latest = points.latest
    if (
        stage == ClusterStatus.ESTABLISHED
        and established_on
        and established_on < add_months(as_of, -not_started_months)
    ):
        flags.append(FlagNote(Flag.NOT_STARTED, not_started_reason(established_on, as_of)))
    if stage == ClusterStatus.UNDER_CONSTRUCTION:
        since, point = last_progress_on(points, started_on)
        if is_stalled(points, started_on, as_of):
            flags.append(FlagNote(Flag.STALLED, stalled_reason(since, point, as_of)))
        if latest is not None and latest.percent >= near:
            flags.append(
                FlagNote(
                    Flag.NEAR_COMPLETE,
                    _("Overall progress %(percent)s%% in the report of %(date)s (threshold %(limit)s%%).")
                    % {"percent": _pct(latest.percent), "date": _fmt(latest.on), "limit": near},
                )
            )
    if stage in BOARD_STAGES:
        late = schedule_delays(milestones, forecast=forecast, as_of=as_of)
        if late:
            flags.append(FlagNote(Flag.BEHIND_SCHEDULE, " ".join(text for _days, text in late)))
    return flags


def not_started_reason(established_on: datetime.date, as_of: datetime.date) -> str:
    """Why an established cluster is flagged not started (`cluster_flags`, the attention list)."""
    return _(
        "Established on %(date)s and construction has not started after %(months)s months (threshold %(limit)s months)."
    ) % {
        "date": _fmt(established_on),
        "months": _months_between(established_on, as_of),
        "limit": settings.ICIS_NOT_STARTED_MONTHS,
    }


def stalled_reason(since: datetime.date, point: Point | None, as_of: datetime.date) -> str:
    """Why a cluster under construction is flagged stalled: no increase since `since` (the report `point`
    that last raised progress, or None: construction's start)."""
    months, limit = _months_between(since, as_of), settings.ICIS_STALLED_MONTHS
    if point is not None:
        return _(
            "No progress since %(date)s (overall %(percent)s%%): %(months)s months without an increase "
            "in accepted reports (threshold %(limit)s months)."
        ) % {"date": _fmt(since), "percent": _pct(point.percent), "months": months, "limit": limit}
    return _(
        "No progress reported since construction started on %(date)s: %(months)s months (threshold %(limit)s months)."
    ) % {"date": _fmt(since), "months": months, "limit": limit}


def is_stalled(points: "list[Point] | Trail", started_on: datetime.date | None, as_of: datetime.date) -> bool:
    """The stalled flag's test alone (no reason worded): no increase, nor a start, within ICIS_STALLED_MONTHS
    before `as_of`. `cluster_flags` words it; the summary only counts it."""
    since, _point = last_progress_on(points, started_on)
    return since is not None and since < add_months(as_of, -settings.ICIS_STALLED_MONTHS)


def _months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


# `get_kind_display()` rebuilds the choices' dict at every call: the board words many delays.
_MILESTONE_LABELS = dict(MilestoneKind.choices)


def schedule_delays(milestones, *, forecast: Forecast | None, as_of: datetime.date) -> list[tuple[int, str]]:
    """Planned milestones due before `as_of` and not reached by then, and a forecast past the planned
    completion; each as (days late, reason). A milestone due today is not late yet."""
    late = []
    reached = {}
    for milestone in sorted(milestones, key=lambda m: MILESTONE_ORDER[m.kind]):
        actual = milestone.actual_on if milestone.actual_on and milestone.actual_on <= as_of else None
        reached[milestone.kind] = actual
        if milestone.planned_on and milestone.planned_on < as_of and actual is None:
            days = (as_of - milestone.planned_on).days
            late.append(
                (
                    days,
                    _("%(milestone)s was planned for %(date)s and is not reached (%(days)s days late).")
                    % {
                        "milestone": _MILESTONE_LABELS.get(milestone.kind, milestone.kind),
                        "date": _fmt(milestone.planned_on),
                        "days": days,
                    },
                )
            )
    planned_completion = next(
        (m.planned_on for m in milestones if m.kind == MilestoneKind.INFRASTRUCTURE_COMPLETE and m.planned_on), None
    )
    if (
        forecast is not None
        and forecast.expected_on
        and forecast.trend != "complete"
        and planned_completion
        and planned_completion >= as_of
        and reached.get(MilestoneKind.INFRASTRUCTURE_COMPLETE) is None
        and forecast.expected_on > planned_completion
    ):
        days = (forecast.expected_on - planned_completion).days
        late.append(
            (
                days,
                _("The forecast completion %(forecast)s is %(days)s days after the planned %(planned)s.")
                % {"forecast": _fmt(forecast.expected_on), "days": days, "planned": _fmt(planned_completion)},
            )
        )
    return late


# ---------------------------------------------------------------------------------------------- lifecycle dates


def _first_change(to_status: str, *, as_of: datetime.date | None = None):
    """The cluster's first dated change to `to_status` (established or under construction), by `as_of` when
    given: its kept column (`icis.clusters.kept`), not a subquery over its history."""
    field = FIRST_DATES[to_status]
    if as_of is None:
        return F(field)
    return Case(When(**{f"{field}__lte": as_of}, then=F(field)), default=None, output_field=DateField())


def _status_on(as_of: datetime.date):
    latest = StatusChange.objects.filter(cluster=OuterRef("pk"), expansion__isnull=True, effective_on__lte=as_of)
    return Subquery(latest.order_by("-effective_on", "-id").values("to_status")[:1])


def _count(queryset):
    counted = queryset.order_by().values("cluster").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# One sort (by cluster and date, which the report index already gives) and two window passes over it.
# A cluster has at most one live report a date (construction_report_one_per_date), so the date alone
# orders its accepted reports, as (date, percent) does in Python.
_TRAIL_SQL = """
WITH ordered AS (
    SELECT cluster_id, report_date, overall_percent,
           overall_percent > COALESCE(LAG(overall_percent) OVER w, 0) AS rise,
           ROW_NUMBER() OVER w AS rn,
           COUNT(*) OVER (PARTITION BY cluster_id) AS n
    FROM {table}
    WHERE status = %s AND report_date <= %s{clusters}
    WINDOW w AS (PARTITION BY cluster_id ORDER BY report_date)
), marked AS (
    SELECT cluster_id, report_date, overall_percent, rn, n,
           MAX(CASE WHEN rise THEN rn END) OVER (PARTITION BY cluster_id) AS rise_rn,
           MIN(CASE WHEN overall_percent >= 100 THEN rn END) OVER (PARTITION BY cluster_id) AS done_rn
    FROM ordered
)
SELECT cluster_id, report_date, overall_percent, n, n - rn + 1,
       CASE WHEN rn = rise_rn THEN 1 ELSE 0 END,
       CASE WHEN rn = done_rn THEN 1 ELSE 0 END
FROM marked
WHERE rn > n - %s OR rn = rise_rn OR rn = done_rn
"""


def _percent(value) -> Decimal:
    """A percentage as the ORM gives it (SQLite hands raw SQL a float)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def trails_by_cluster(clusters: QuerySet | None, as_of: datetime.date, window: int | None = None) -> dict[int, Trail]:
    """Each cluster's `Trail` of accepted reports dated on or before `as_of`: one query, computed in SQL.

    The database returns at most `window` + 2 reports a cluster (the last `window`, the last increase
    and the first 100 %), whatever the length of the history; `clusters` (a queryset, None for all)
    goes in as a subquery, never as a list of ids.
    """
    window = window or settings.ICIS_FORECAST_REPORTS
    scope, scope_params = "", ()
    if clusters is not None:
        sql, scope_params = clusters.order_by().values("pk").query.sql_with_params()
        scope = f" AND cluster_id IN ({sql})"
    query = _TRAIL_SQL.format(table=connection.ops.quote_name(ProgressReport._meta.db_table), clusters=scope)
    found: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(query, (ReportStatus.ACCEPTED, as_of, *scope_params, window))
        for cluster_id, on, percent, count, back, is_rise, is_done in cursor.fetchall():
            if isinstance(on, str):  # SQLite
                on = datetime.date.fromisoformat(on)
            point = Point(on, _percent(percent))
            mine = found.setdefault(cluster_id, {"count": count, "recent": [], "rise": None, "done": None})
            if back <= window:
                mine["recent"].append(point)
            if is_rise:
                mine["rise"] = point
            if is_done:
                mine["done"] = point
    return {
        pk: Trail(count=v["count"], recent=tuple(sorted(v["recent"])), last_increase=v["rise"], first_done=v["done"])
        for pk, v in found.items()
    }


# ---------------------------------------------------------------------------------------------- summary

SUMMARY_KEYS = (
    "established",
    "under_construction",
    "infrastructure_complete",
    "at_least_90_percent",
    "not_started",
    "stalled",
)


def construction_summary(
    *,
    as_of: datetime.date | None = None,
    established_from: datetime.date | None = None,
    established_to: datetime.date | None = None,
    clusters: QuerySet | None = None,
    detail: bool = False,
) -> dict:
    """The half-year table, computed from the recorded history as it stood on `as_of`.

    - established: clusters whose establishment (first dated change to `established`, the cluster
      itself, not an expansion) falls in [established_from, established_to] and on or before as_of;
    - under_construction: of those, the ones whose construction had begun by as_of (status then
      under construction or later: the seed's "24 of the 43 under construction" includes the 5 complete);
    - infrastructure_complete: status then infrastructure complete or operating;
    - at_least_90_percent: still under construction, last accepted report ≤ as_of at or above
      ICIS_NEAR_COMPLETE_PERCENT (the seed's "six others" at 90 %: not the complete ones);
    - not_started: status then still `established`;
    - stalled: under construction and flagged stalled as of as_of.
    Revoked clusters count as established (they were) and in none of the other rows.
    One query whatever the number of clusters and reports (the counts, aggregated in SQL from the kept
    progress state, `icis.construction.state`; with `detail`, the clusters with their state, counted here),
    and two more for a past date some cluster has reported after.
    """
    as_of = as_of or timezone.localdate()
    until = min(established_to, as_of) if established_to else as_of
    base = Cluster.objects.all() if clusters is None else clusters
    rows = base.annotate(
        established_on=_first_change(ClusterStatus.ESTABLISHED),
        status_then=_status_on(as_of),
        started_on=_first_change(ClusterStatus.UNDER_CONSTRUCTION, as_of=as_of),
    ).filter(established_on__lte=until)
    if established_from:
        rows = rows.filter(established_on__gte=established_from)
    near = Decimal(settings.ICIS_NEAR_COMPLETE_PERCENT)
    if not detail:
        counts = _summary_counts(base, as_of, until, established_from, near)
        if counts is not None:
            return counts
    rows = list(rows.order_by().values("pk", "name", "established_on", "status_then", "started_on", *LATEST_VALUES))
    trails = current_trails(rows, as_of, 1, scope=clusters)
    empty = Trail()
    counts = dict.fromkeys(SUMMARY_KEYS, 0)
    members = {key: [] for key in SUMMARY_KEYS}

    def count(key, row):
        counts[key] += 1
        members[key].append(row["pk"])

    for row in rows:
        count("established", row)
        stage = row["status_then"]
        mine = trails.get(row["pk"], empty)
        if stage in STARTED_STATES:
            count("under_construction", row)
        if stage in COMPLETE_STATES:
            count("infrastructure_complete", row)
        if stage == ClusterStatus.ESTABLISHED:
            count("not_started", row)
        if stage == ClusterStatus.UNDER_CONSTRUCTION:
            if mine.latest and mine.latest.percent >= near:
                count("at_least_90_percent", row)
            if is_stalled(mine, row["started_on"], as_of):  # cluster_flags' test, without wording every reason
                count("stalled", row)
    if detail:
        return {"counts": counts, "members": members}
    return counts


# The summary's counts in one pass: each cluster's first dated changes to established and to under
# construction as kept on its row (`icis.clusters.kept`), its status on as_of (the kept status when it began
# by then, as `clusters.selectors.status_then`; else from the change index), its kept progress state; then
# the same tests as `construction_summary`'s loop.
_SUMMARY_SQL = """
SELECT COUNT(*),
       SUM(CASE WHEN status_then IN ({started}) THEN 1 ELSE 0 END),
       SUM(CASE WHEN status_then IN ({complete}) THEN 1 ELSE 0 END),
       SUM(CASE WHEN status_then = %s AND latest_percent >= %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN status_then = %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN status_then = %s AND COALESCE(last_increase_on, started_on) < %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN latest_on > %s THEN 1 ELSE 0 END)
FROM (
    SELECT CASE WHEN c.status_since <= %s THEN c.status
                ELSE (SELECT u.to_status FROM {changes} u
                      WHERE u.cluster_id = c.id AND u.expansion_id IS NULL AND u.effective_on <= %s
                      ORDER BY u.effective_on DESC, u.id DESC LIMIT 1) END AS status_then,
           CASE WHEN c.first_construction_on <= %s THEN c.first_construction_on END AS started_on,
           s.latest_on, s.latest_percent, s.last_increase_on
    FROM {clusters} c
    LEFT JOIN {states} s ON s.cluster_id = c.id
    WHERE {scope} c.first_established_on <= %s{since}{fence}
) counted
"""


def _summary_counts(
    base: QuerySet, as_of: datetime.date, until: datetime.date, established_from: datetime.date | None, near: Decimal
) -> dict | None:
    """`construction_summary`'s counts in one query, the same tests on the kept progress state; None when some
    counted cluster has an accepted report dated after `as_of` (its state is not its trail as of then)."""
    quote = connection.ops.quote_name
    scope, scope_params = "", ()
    if base.query.where or base.query.distinct or base.query.is_sliced or base.query.combinator:
        # a narrowed set (a user's scope, a province): its ids as a subquery; every cluster needs none
        scope, scope_params = base.order_by().values("pk").query.sql_with_params()
        scope = f"c.id IN ({scope}) AND"
    query = _SUMMARY_SQL.format(
        started=", ".join(["%s"] * len(STARTED_STATES)),
        complete=", ".join(["%s"] * len(COMPLETE_STATES)),
        changes=quote(StatusChange._meta.db_table),
        clusters=quote(Cluster._meta.db_table),
        states=quote(ProgressState._meta.db_table),
        scope=scope,
        since=" AND c.first_established_on >= %s" if established_from else "",
        # PostgreSQL would fold the inner query into the outer one and look up the status once per CASE
        fence=" OFFSET 0" if connection.vendor == "postgresql" else "",
    )
    under = ClusterStatus.UNDER_CONSTRUCTION
    params = (
        *STARTED_STATES,
        *COMPLETE_STATES,
        under,
        near,
        ClusterStatus.ESTABLISHED,
        under,
        add_months(as_of, -settings.ICIS_STALLED_MONTHS),
        as_of,
        as_of,
        as_of,
        as_of,
        *scope_params,
        until,
        *((established_from,) if established_from else ()),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        *counts, behind = (int(n or 0) for n in cursor.fetchone())
    if behind:
        return None
    return dict(zip(SUMMARY_KEYS, counts, strict=True))


# ---------------------------------------------------------------------------------------------- board


@dataclass
class BoardRow:
    cluster: Cluster
    stage: str
    established_on: datetime.date | None
    started_on: datetime.date | None
    points: list[Point]  # the last few accepted reports (the forecast window), not the whole history
    latest: Point | None
    forecast: Forecast
    flags: list[FlagNote]
    delay_days: int | None
    open_obstacles: int
    overdue_obstacles: int
    pending_reports: int
    freshness: object = None
    milestones: list = field(default_factory=list)

    @property
    def stage_label(self) -> str:
        return str(ClusterStatus(self.stage).label)

    @property
    def progress(self) -> Decimal | None:
        return self.latest.percent if self.latest else None


BOARD_ORDERINGS = {
    "progress": lambda row: (row.progress is None, row.progress or 0),
    "-progress": lambda row: (row.progress is None, -(row.progress or 0)),
    "delay": lambda row: (row.delay_days is None, row.delay_days or 0),
    "-delay": lambda row: (row.delay_days is None, -(row.delay_days or 0)),
    "name": lambda row: row.cluster.sort_name,
    "-name": lambda row: tuple(-ord(c) for c in row.cluster.sort_name),
    "stage": lambda row: (BOARD_STAGES.index(row.stage), row.cluster.sort_name),
}


def construction_board(
    *, user, ordering: str = "stage", stage: str | None = None, flag: str | None = None, today=None
) -> list[BoardRow]:
    """Clusters from establishment to infrastructure complete, with progress, forecast and flags: every row,
    computed in Python (the reference `construction_board_page` is tested against; the attention list).

    Two queries whatever the number of clusters (the clusters with their kept progress state, the
    milestones), and one more when `today` is a past date some cluster has reported after.
    """
    today = today or timezone.localdate()
    clusters = _board_scope(user, stage)
    rows = board_rows(clusters, today=today)
    if flag:
        rows = [row for row in rows if any(f.flag == flag for f in row.flags)]
    rows.sort(key=BOARD_ORDERINGS.get(ordering, BOARD_ORDERINGS["stage"]))
    return rows


def _board_scope(user, stage: str | None) -> QuerySet:
    clusters = Cluster.objects.restrict(user).filter(status__in=BOARD_STAGES)
    return clusters.filter(status=stage) if stage else clusters


def _board_query(clusters: QuerySet, today: datetime.date) -> QuerySet:
    """`clusters` with what a board row shows beside the progress: lifecycle dates, obstacles, reports to review."""
    open_states = [s for s in ObstacleStatus.values if s != ObstacleStatus.RESOLVED]
    return clusters.select_related("investor", "progress_state").annotate(
        established_on=_first_change(ClusterStatus.ESTABLISHED),
        started_on=_first_change(ClusterStatus.UNDER_CONSTRUCTION),
        open_obstacles=_count(Obstacle.objects.filter(cluster=OuterRef("pk"), status__in=open_states)),
        overdue_obstacles=_count(
            Obstacle.objects.filter(cluster=OuterRef("pk"), status__in=open_states, due_on__lt=today)
        ),
        pending_reports=_count(ProgressReport.objects.filter(cluster=OuterRef("pk"), status=ReportStatus.SUBMITTED)),
    )


def board_rows(clusters: QuerySet, *, today: datetime.date, fetched: list | None = None) -> list[BoardRow]:
    """The board's row of each cluster of `clusters` (a queryset, in its order), everything worked out:
    the forecast, the flags with their reasons, the delay, the obstacles. Two queries (three for a past date);
    one when the clusters were `fetched` already through `_board_query`."""
    scope = clusters
    clusters = list(_board_query(clusters, today)) if fetched is None else fetched
    trails = current_trails(
        [state_values(cluster) for cluster in clusters], today, settings.ICIS_FORECAST_REPORTS, scope=scope
    )
    empty = Trail()
    milestones = defaultdict(list)
    for milestone in Milestone.objects.filter(cluster__in=scope.values("pk")):
        milestones[milestone.cluster_id].append(milestone)
    rows = []
    for cluster in clusters:
        mine = trails.get(cluster.pk, empty)
        started_on = cluster.started_on or _actual(milestones[cluster.pk], MilestoneKind.CONSTRUCTION_START)
        forecast = forecast_completion(mine, as_of=today)
        flags = cluster_flags(
            stage=cluster.status,
            established_on=cluster.established_on,
            started_on=started_on,
            points=mine,
            milestones=milestones[cluster.pk],
            forecast=forecast,
            as_of=today,
        )
        delays = schedule_delays(milestones[cluster.pk], forecast=forecast, as_of=today)
        latest = mine.latest
        rows.append(
            BoardRow(
                cluster=cluster,
                stage=cluster.status,
                established_on=cluster.established_on,
                started_on=started_on,
                points=list(mine.recent),
                latest=latest,
                forecast=forecast,
                flags=flags,
                delay_days=max((d for d, _t in delays), default=None),
                open_obstacles=cluster.open_obstacles,
                overdue_obstacles=cluster.overdue_obstacles,
                pending_reports=cluster.pending_reports,
                freshness=freshness(
                    updated_on=latest.on if latest else None,
                    source=_("accepted progress report") if latest else _("no accepted report"),
                    today=today,
                ),
                milestones=milestones[cluster.pk],
            )
        )
    return rows


# The board's orderings and flags in SQL, from the kept progress state (`ProgressState`), the lifecycle dates
# and the milestones: the same tests as `cluster_flags`, `schedule_delays` and `BOARD_ORDERINGS`, so the page
# of rows it picks is the page `construction_board` gives (tested), and only that page is worked out in Python.
# A Python sort is stable: ties keep the clusters' default order (sort name, code), as the SQL's last keys do;
# the name orderings compare code points, as Python does, whatever the database's collation.
_MAX_CHAR = "\U0010ffff"  # after every character: "-name" puts a name before the longer names it begins


def _binary(expression):
    return Collate(expression, "C" if connection.vendor == "postgresql" else "BINARY")


def _days(later, earlier):
    return ExpressionWrapper(later - earlier, output_field=DurationField())


def _milestone(kind: str, field_name: str):
    # one milestone a cluster and kind: no ordering, so not the default's join to the clusters
    return Subquery(Milestone.objects.filter(cluster=OuterRef("pk"), kind=kind).order_by().values(field_name)[:1])


def _board_delay(today: datetime.date) -> tuple[dict, NullIf]:
    """`schedule_delays`' largest delay as a duration (None: not late): the oldest planned milestone before
    today not reached by today, or the kept forecast past the planned completion."""
    late = (
        Milestone.objects.filter(cluster=OuterRef("pk"), planned_on__lt=today)
        .filter(Q(actual_on__isnull=True) | Q(actual_on__gt=today))
        .order_by()
        .values("cluster")
        .annotate(first=Min("planned_on"))
        .values("first")
    )
    zero = Value(datetime.timedelta(0), output_field=DurationField())
    milestone_delay = Coalesce(_days(Value(today, output_field=DateField()), Subquery(late)), zero)
    forecast = Case(  # forecast_completion(as_of=today): no date once stalled, none when complete
        When(progress_state__first_done_on__isnull=False, then=Value(None, output_field=DateField())),
        When(
            progress_state__last_increase_on__lt=add_months(today, -settings.ICIS_STALLED_MONTHS),
            then=Value(None, output_field=DateField()),
        ),
        default=F("progress_state__forecast_on"),
        output_field=DateField(),
    )
    planned = _milestone(MilestoneKind.INFRASTRUCTURE_COMPLETE, "planned_on")
    reached = _milestone(MilestoneKind.INFRASTRUCTURE_COMPLETE, "actual_on")
    forecast_delay = Case(
        When(
            Q(board_forecast__isnull=False, board_planned__gte=today, board_forecast__gt=F("board_planned"))
            & (Q(board_reached__isnull=True) | Q(board_reached__gt=today)),
            then=_days(F("board_forecast"), F("board_planned")),
        ),
        default=zero,
        output_field=DurationField(),
    )
    inputs = {"board_forecast": forecast, "board_planned": planned, "board_reached": reached}
    return inputs, NullIf(Greatest(milestone_delay, forecast_delay), zero)


def _board_orderings():
    default = ("sort_name", "code")
    return {
        "progress": (F("progress_state__latest_percent").asc(nulls_last=True), *default),
        "-progress": (F("progress_state__latest_percent").desc(nulls_last=True), *default),
        "delay": (F("board_delay").asc(nulls_last=True), *default),
        "-delay": (F("board_delay").desc(nulls_last=True), *default),
        "name": (_binary(F("sort_name")).asc(), "code"),
        "-name": (_binary(Concat(F("sort_name"), Value(_MAX_CHAR))).desc(), "code"),
        "stage": (
            Case(*(When(status=s, then=Value(i)) for i, s in enumerate(BOARD_STAGES)), output_field=IntegerField()),
            _binary(F("sort_name")).asc(),
            "code",
        ),
    }


def _board_filter(clusters: QuerySet, flag: str | None, today: datetime.date) -> tuple[QuerySet, Q | None]:
    """`clusters` annotated for the flag's test, and the test (`cluster_flags`' rules, as SQL)."""
    if flag == Flag.NOT_STARTED:
        clusters = clusters.annotate(board_established_on=_first_change(ClusterStatus.ESTABLISHED))
        cutoff = add_months(today, -settings.ICIS_NOT_STARTED_MONTHS)
        return clusters, Q(status=ClusterStatus.ESTABLISHED, board_established_on__lt=cutoff)
    if flag == Flag.STALLED:
        started = Coalesce(
            _first_change(ClusterStatus.UNDER_CONSTRUCTION),
            Subquery(
                Milestone.objects.filter(
                    cluster=OuterRef("pk"), kind=MilestoneKind.CONSTRUCTION_START, actual_on__isnull=False
                )
                .order_by()  # one a cluster and kind
                .values("actual_on")[:1]
            ),
        )
        clusters = clusters.annotate(
            board_progress_since=Coalesce(F("progress_state__last_increase_on"), started, output_field=DateField())
        )
        cutoff = add_months(today, -settings.ICIS_STALLED_MONTHS)
        return clusters, Q(status=ClusterStatus.UNDER_CONSTRUCTION, board_progress_since__lt=cutoff)
    if flag == Flag.NEAR_COMPLETE:
        near = settings.ICIS_NEAR_COMPLETE_PERCENT
        return clusters, Q(status=ClusterStatus.UNDER_CONSTRUCTION, progress_state__latest_percent__gte=near)
    if flag == Flag.BEHIND_SCHEDULE:
        return clusters, Q(board_delay__isnull=False)
    if flag:
        return clusters, Q(pk__in=[])
    return clusters, None


def board_ordered(
    *, user, ordering: str = "stage", stage: str | None = None, flag: str | None = None, today=None
) -> tuple[QuerySet, int] | None:
    """The board's clusters, filtered and ordered in SQL as `construction_board` filters and orders its rows,
    with their number; None when the kept state is not the board's as of `today` (an accepted report dated
    after it, or a forecast kept over another number of reports): then only `construction_board` can tell.
    One query (the count, and whether the state holds); the queryset is not run."""
    today = today or timezone.localdate()
    ordering = ordering if ordering in BOARD_ORDERINGS else "stage"
    clusters = _board_scope(user, stage)
    if ordering in ("delay", "-delay") or flag == Flag.BEHIND_SCHEDULE:
        inputs, delay = _board_delay(today)
        clusters = clusters.annotate(**inputs).annotate(board_delay=delay)
    clusters, test = _board_filter(clusters, flag, today)
    window = settings.ICIS_FORECAST_REPORTS
    behind = (
        Q(progress_state__latest_on__gt=today)
        | Q(progress_state__forecast_window__lt=window)
        | Q(progress_state__forecast_window__gt=window)
    )
    found = clusters.aggregate(
        behind=Count("pk", filter=behind), count=Count("pk", filter=test) if test is not None else Count("pk")
    )
    if found["behind"]:
        return None
    if test is not None:
        clusters = clusters.filter(test)
    return clusters.order_by(*_board_orderings()[ordering]), found["count"]


class _Counted(Sequence):
    """A queryset with its number already known, for a paginator: slicing runs it, counting does not."""

    def __init__(self, queryset: QuerySet, count: int):
        self.queryset, self.number = queryset, count

    def count(self) -> int:
        return self.number

    def __len__(self) -> int:
        return self.number

    def __getitem__(self, index):
        return list(self.queryset[index]) if isinstance(index, slice) else self.queryset[index]


def construction_board_page(
    *,
    user,
    paginate: Callable[[Sequence], Sequence],
    ordering: str = "stage",
    stage: str | None = None,
    flag: str | None = None,
    today=None,
) -> list[BoardRow]:
    """One page of `construction_board`: the same rows in the same order, `paginate` choosing the page (it is
    given a sliceable sequence with `count()` and returns the page's items). The filters and the order are
    worked out in SQL (`board_ordered`) and only the page's rows in Python: three queries whatever the number
    of clusters (the count, the page's clusters, their milestones). When the kept state cannot tell
    (`board_ordered` gives None), the whole board is worked out, then paged."""
    today = today or timezone.localdate()
    found = board_ordered(user=user, ordering=ordering, stage=stage, flag=flag, today=today)
    if found is None:
        return list(paginate(construction_board(user=user, ordering=ordering, stage=stage, flag=flag, today=today)))
    ordered, count = found
    clusters = list(paginate(_Counted(_board_query(ordered, today), count)))
    return board_rows(Cluster.objects.filter(pk__in=[c.pk for c in clusters]), today=today, fetched=clusters)


def _actual(milestones, kind):
    return next((m.actual_on for m in milestones if m.kind == kind and m.actual_on), None)


# ---------------------------------------------------------------------------------------------- one cluster


def report_list() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related(
        "cluster", "submitted_by", "reviewed_by", "source_document"
    ).prefetch_related("components")


def obstacle_list() -> QuerySet[Obstacle]:
    return Obstacle.objects.select_related("cluster", "responsible_organisation", "source_document")


def overdue_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(due_on__lt=today) & ~Q(status=ObstacleStatus.RESOLVED)


def overdue_visits_q(today: datetime.date | None = None) -> Q:
    """Visits of an approved plan whose date has passed with no visit recorded (the retired visit API's
    `?overdue=` filter, kept for old clients: site visits are inspections now, `icis.inspections`)."""
    today = today or timezone.localdate()
    return Q(plan__status=VisitPlanStatus.APPROVED, due_on__lt=today, records__isnull=True)


def open_obstacle_count(user) -> dict:
    """For the dashboard: open and overdue obstacles the user reaches."""
    obstacles = Obstacle.objects.restrict(user).exclude(status=ObstacleStatus.RESOLVED)
    return obstacles.aggregate(open=Count("id"), overdue=Count("id", filter=overdue_q()))


def cluster_construction(cluster: Cluster, *, user, today: datetime.date | None = None) -> dict:
    """Everything the cluster's construction panel and progress page show, each figure with its freshness."""
    today = today or timezone.localdate()
    reports = list(report_list().filter(cluster=cluster).order_by("report_date", "id"))
    accepted = [r for r in reports if r.status == ReportStatus.ACCEPTED and r.report_date <= today]
    points = [Point(r.report_date, r.overall_percent) for r in accepted]
    milestones = sorted(
        Milestone.objects.filter(cluster=cluster).select_related("planned_in", "evidence"),
        key=lambda m: MILESTONE_ORDER[m.kind],
    )
    obstacles = list(obstacle_list().filter(cluster=cluster).order_by("status", DUE_FIRST, "id"))
    established_on, started_change = (
        Cluster.objects.filter(pk=cluster.pk)
        .annotate(
            established_on=_first_change(ClusterStatus.ESTABLISHED),
            started_on=_first_change(ClusterStatus.UNDER_CONSTRUCTION),
        )
        .values_list("established_on", "started_on")
        .get()
    )
    started_on = started_change or _actual(milestones, MilestoneKind.CONSTRUCTION_START)
    forecast = forecast_completion(points, as_of=today)
    flags = cluster_flags(
        stage=cluster.status,
        established_on=established_on,
        started_on=started_on,
        points=points,
        milestones=milestones,
        forecast=forecast,
        as_of=today,
    )
    latest = accepted[-1] if accepted else None
    figures = []
    if latest is not None:
        source = _("progress report of %(date)s (no. %(id)s)") % {"date": _fmt(latest.report_date), "id": latest.pk}
        if latest.source_document_id:
            source = f"{source}, {latest.source_document}"
        stamp = freshness(updated_on=latest.report_date, source=source, today=today)
        figures = [
            (_("Overall physical progress"), f"{_pct(latest.overall_percent)}%", stamp),
            *[(c.get_component_display(), f"{_pct(c.percent)}%", stamp) for c in latest.components.all()],
        ]
        for name in (
            "approved_capital_vnd",
            "disbursed_vnd",
            "construction_value_vnd",
            "clearance_to_clear_ha",
            "clearance_cleared_ha",
            "clearance_handed_over_ha",
            "households_to_clear",
            "households_cleared",
            "households_handed_over",
        ):
            value = getattr(latest, name)
            if value is not None:
                figures.append((ProgressReport._meta.get_field(name).verbose_name, value, stamp))
    milestone_rows = [
        {
            "milestone": m,
            "variance": m.variance_days(today),
            # A reached milestone is a settled fact; one still ahead goes stale when nobody has looked at it.
            "freshness": freshness(
                updated_on=timezone.localdate(m.updated_at),
                source=str(m.evidence or m.planned_in or _("entered without a document")),
                today=today,
                stale_days=10**6 if m.actual_on else None,
            ),
        }
        for m in milestones
    ]
    open_obstacles = [o for o in obstacles if o.status != ObstacleStatus.RESOLVED]
    return {
        "reports": reports,
        "accepted": accepted,
        "latest": latest,
        "pending": [r for r in reports if r.status == ReportStatus.SUBMITTED],
        "points": points,
        "forecast": forecast,
        "forecast_method": forecast_method(),
        "flags": flags,
        "figures": figures,
        "milestones": milestone_rows,
        "obstacles": obstacles,
        "open_obstacles": open_obstacles,
        "overdue_obstacles": [o for o in open_obstacles if o.is_overdue(today)],
        "established_on": established_on,
        "started_on": started_on,
        "has_data": bool(reports or milestones or obstacles),
        "chart": chart_data(points, forecast),
        "today": today,
    }


def chart_data(points: list[Point], forecast: Forecast) -> dict:
    """What static/icis/construction-chart.js draws: the accepted figures and the forecast line."""
    data = {
        "points": [{"x": p.on.isoformat(), "y": float(p.percent)} for p in sorted(points)],
        "forecast": [],
        "labels": {"progress": _("Overall progress (%)"), "forecast": _("Forecast")},
    }
    if points and forecast.expected_on and forecast.trend != "complete":
        last = sorted(points)[-1]
        data["forecast"] = [
            {"x": last.on.isoformat(), "y": float(last.percent)},
            {"x": forecast.expected_on.isoformat(), "y": 100.0},
        ]
    return data
