"""Every write to construction records: pages, API, commands and imports all call these.

Rules: progress never goes backwards without a stated reason, figures stay within 0–100 %, nothing
is written when any rule fails (each service is one transaction, checks before the first write).
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.core import formats, lifecycle
from icis.core.changes import apply_changes, unchanged
from icis.core.concurrency import check_version
from icis.core.forms import field_error

from .choices import (
    OBSTACLE_LIFECYCLE,
    REPORT_LIFECYCLE,
    Component,
    MilestoneKind,
    ObstacleStatus,
    ReportStatus,
)
from .models import (
    ComponentProgress,
    Milestone,
    Obstacle,
    ObstacleStatusChange,
    ProgressReport,
    ProgressReportStatusChange,
)

# Progress is reported from establishment (site clearance comes first) until the infrastructure is done.
REPORTABLE_STATES = (
    ClusterStatus.ESTABLISHED,
    ClusterStatus.UNDER_CONSTRUCTION,
    ClusterStatus.INFRASTRUCTURE_COMPLETE,
    ClusterStatus.OPERATING,
)
REPORT_FIELDS = (
    "report_date",
    "overall_percent",
    "approved_capital_vnd",
    "disbursed_vnd",
    "construction_value_vnd",
    "clearance_to_clear_ha",
    "clearance_cleared_ha",
    "clearance_handed_over_ha",
    "households_to_clear",
    "households_cleared",
    "households_handed_over",
    "remarks",
    "decrease_reason",
    "source_document",
)
OBSTACLE_FIELDS = (
    "category",
    "description",
    "responsible_organisation",
    "responsible_agency",
    "raised_on",
    "due_on",
    "resolution",
    "requested_direction",
    "source_document",
)


def _fmt(day: datetime.date) -> str:
    return formats.date(day)


def _not_future(day: datetime.date | None, field: str) -> None:
    lifecycle.check_not_future(day, field)


def _percent(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise field_error(field, _("Give a number between 0 and 100."), "invalid") from None
    if not number.is_finite() or number < 0 or number > 100:
        raise field_error(
            field, _("A progress figure lies between 0 and 100%%; %(value)s is not.") % {"value": value}, "out_of_range"
        )
    return number.quantize(Decimal("0.01"))


def _components(components: Mapping | None) -> dict[str, Decimal]:
    if components is None:
        return {}
    if not isinstance(components, Mapping):
        raise field_error("components", _("Give an object of component → percent."), "invalid")
    clean = {}
    for key, value in components.items():
        if key not in Component.values:
            raise field_error(
                "components",
                _("Unknown component '%(key)s'. Known: %(known)s.")
                % {"key": key, "known": ", ".join(Component.values)},
                "unknown_component",
            )
        clean[key] = _percent(value, f"components.{key}")
    return clean


def last_accepted(cluster: Cluster, *, exclude_pk=None) -> ProgressReport | None:
    reports = ProgressReport.objects.filter(cluster=cluster, status=ReportStatus.ACCEPTED)
    if exclude_pk is not None:
        reports = reports.exclude(pk=exclude_pk)
    return reports.order_by("-report_date", "-id").prefetch_related("components").first()


def _check_against_last(
    *, cluster, report_date, overall: Decimal, components: dict[str, Decimal], reason: str, exclude_pk=None
) -> None:
    """The rules that compare a report with the last accepted one: later date, no unexplained drop."""
    last = last_accepted(cluster, exclude_pk=exclude_pk)
    if last is None:
        return
    if report_date <= last.report_date:
        raise field_error(
            "report_date",
            _(
                "The last accepted report is dated %(date)s; a new report must be dated after it. "
                "To correct an accepted figure, submit a new report with the reason."
            )
            % {"date": _fmt(last.report_date)},
            "not_after_last_accepted",
        )
    if reason.strip():
        return
    errors = {}
    if overall < last.overall_percent:
        errors["overall_percent"] = ValidationError(
            _(
                "Overall progress %(new)s%% is lower than %(old)s%% in the accepted report of %(date)s. "
                "Give the reason for the decrease."
            )
            % {"new": overall, "old": last.overall_percent, "date": _fmt(last.report_date)},
            code="decrease_without_reason",
        )
    previous = {c.component: c.percent for c in last.components.all()}
    for key, value in components.items():
        if key in previous and value < previous[key]:
            errors[f"components.{key}"] = ValidationError(
                _(
                    "%(component)s: %(new)s%% is lower than %(old)s%% in the accepted report of %(date)s. "
                    "Give the reason for the decrease."
                )
                % {
                    "component": Component(key).label,
                    "new": value,
                    "old": previous[key],
                    "date": _fmt(last.report_date),
                },
                code="decrease_without_reason",
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def progress_report_submit(
    *, cluster: Cluster, data: Mapping, actor, components: Mapping | None = None
) -> ProgressReport:
    """The investor's report (or DoIT's on its behalf). Refuses figures outside 0–100 % and unexplained drops."""
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set here."), code="read_only") for f in sorted(unknown)}
        )
    if cluster.status not in REPORTABLE_STATES:
        raise field_error(
            "cluster",
            _("Progress is reported for established clusters; this one is “%(status)s”.")
            % {"status": cluster.get_status_display()},
            "not_established",
        )
    report_date = data.get("report_date")
    if not isinstance(report_date, datetime.date):
        raise field_error("report_date", _("Give the date the figures describe."), "required")
    _not_future(report_date, "report_date")
    if data.get("overall_percent") is None:
        raise field_error("overall_percent", _("Give the overall physical progress."), "required")
    overall = _percent(data["overall_percent"], "overall_percent")
    parts = _components(components)
    _check_against_last(
        cluster=cluster,
        report_date=report_date,
        overall=overall,
        components=parts,
        reason=data.get("decrease_reason") or "",
    )
    report = ProgressReport(cluster=cluster, **{**data, "overall_percent": overall})
    report.decrease_reason = (report.decrease_reason or "").strip()
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = actor
    report.full_clean(validate_constraints=False)
    if (
        ProgressReport.objects.filter(cluster=cluster, report_date=report_date)
        .exclude(status=ReportStatus.RETURNED)
        .exists()
    ):
        raise field_error(
            "report_date",
            _("There is already a report for %(date)s awaiting review or accepted.") % {"date": _fmt(report_date)},
            "duplicate",
        )
    report._history_user = actor
    report.save()
    lifecycle.register(
        REPORT_LIFECYCLE,
        report.status,
        actor=actor,
        effective_on=timezone.localdate(),
        reason=report.decrease_reason,
        row_model=ProgressReportStatusChange,
        row_fields={"report": report},
    )
    for key, value in parts.items():
        part = ComponentProgress(report=report, component=key, percent=value)
        part._history_user = actor
        part.save()
    return report


def _review(report: ProgressReport, to: str, *, actor, note: str, expected_version: int | None) -> ProgressReport:
    """Accept or return a submitted report through the one lifecycle (dated today, the review's day)."""
    current = ProgressReport.objects.select_for_update().get(pk=report.pk)
    check_version(current, expected_version)
    REPORT_LIFECYCLE.check_move(current.status, to)
    if to == ReportStatus.ACCEPTED:
        _check_against_last(
            cluster=current.cluster,
            report_date=current.report_date,
            overall=current.overall_percent,
            components={c.component: c.percent for c in current.components.all()},
            reason=current.decrease_reason,
            exclude_pk=current.pk,
        )
    lifecycle.transition(
        current,
        REPORT_LIFECYCLE,
        to,
        actor=actor,
        effective_on=timezone.localdate(),
        reason=note,
        since_field=None,
        extra={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_note": (note or "").strip()},
        row_model=ProgressReportStatusChange,
        row_fields={"report": current},
    )
    return current


@transaction.atomic
def progress_report_accept(
    *, report: ProgressReport, actor, note: str = "", expected_version: int | None = None
) -> ProgressReport:
    """DoIT accepts the figures: from now on they count. The rules are checked again against what is accepted now."""
    return _review(report, ReportStatus.ACCEPTED, actor=actor, note=note, expected_version=expected_version)


@transaction.atomic
def progress_report_return(
    *, report: ProgressReport, actor, note: str, expected_version: int | None = None
) -> ProgressReport:
    """DoIT sends the report back, saying what to correct; the investor submits a new one."""
    return _review(report, ReportStatus.RETURNED, actor=actor, note=note, expected_version=expected_version)


@transaction.atomic
def milestone_set(
    *,
    cluster: Cluster,
    kind: str,
    actor,
    planned_on: datetime.date | None = None,
    actual_on: datetime.date | None = None,
    planned_in=None,
    evidence=None,
    notes: str = "",
    expected_version: int | None = None,
) -> Milestone:
    """Record a milestone's planned and/or actual date (one row per cluster and kind)."""
    if kind not in MilestoneKind.values:
        raise field_error("kind", _("Unknown milestone '%(kind)s'.") % {"kind": kind}, "invalid")
    _not_future(actual_on, "actual_on")
    milestone = Milestone.objects.select_for_update().filter(cluster=cluster, kind=kind).first()
    if milestone is None:
        milestone = Milestone(cluster=cluster, kind=kind)
        if planned_in is None:
            planned_in = cluster.establishment_decision
    else:
        check_version(milestone, expected_version)
    values = {
        "planned_on": planned_on,
        "actual_on": actual_on,
        "planned_in": planned_in,
        "evidence": evidence,
        "notes": notes or "",
    }
    if not apply_changes(milestone, values) and milestone.pk:
        return milestone
    if milestone.pk:
        milestone.version += 1
    milestone.full_clean(validate_constraints=False)
    milestone._history_user = actor
    milestone.save()
    return milestone


@transaction.atomic
def obstacle_create(*, cluster: Cluster, data: Mapping, actor) -> Obstacle:
    unknown = set(data) - set(OBSTACLE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set here."), code="read_only") for f in sorted(unknown)}
        )
    _not_future(data.get("raised_on"), "raised_on")
    obstacle = Obstacle(cluster=cluster, **data)
    obstacle.status = ObstacleStatus.OPEN
    obstacle.full_clean(validate_constraints=False)
    obstacle._history_user = actor
    obstacle.save()
    lifecycle.register(
        OBSTACLE_LIFECYCLE,
        obstacle.status,
        actor=actor,
        effective_on=obstacle.raised_on,
        reason=_("Raised"),
        row_model=ObstacleStatusChange,
        row_fields={"obstacle": obstacle},
    )
    return obstacle


@transaction.atomic
def obstacle_update(
    *,
    obstacle: Obstacle,
    data: Mapping,
    actor,
    status: str | None = None,
    resolved_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> Obstacle:
    """Change an obstacle's facts and/or move its status; resolving needs the resolution written down."""
    current = Obstacle.objects.select_for_update().get(pk=obstacle.pk)
    check_version(current, expected_version)
    unknown = set(data) - set(OBSTACLE_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be changed here."), code="read_only") for f in sorted(unknown)}
        )
    for field, value in data.items():
        setattr(current, field, value)
    _not_future(current.raised_on, "raised_on")
    previous = current.status
    moved_on = None
    if status is not None and status != current.status:
        OBSTACLE_LIFECYCLE.check_move(current.status, status)
        moved_on = resolved_on if status == ObstacleStatus.RESOLVED and resolved_on else timezone.localdate()
        current.status = status
        if status == ObstacleStatus.RESOLVED:
            day = resolved_on or timezone.localdate()
            _not_future(day, "resolved_on")
            if day < current.raised_on:
                raise field_error(
                    "resolved_on", _("An obstacle cannot be resolved before it was raised."), "before_raised"
                )
            current.resolved_on = day
        else:
            current.resolved_on = None
    if current.status == ObstacleStatus.RESOLVED and not current.resolution.strip():
        raise field_error("resolution", _("Say how the obstacle was resolved."), "required")
    current.full_clean(validate_constraints=False)
    if unchanged(current):
        return current
    current.version += 1
    current._history_user = actor
    current.save()
    if moved_on is not None:
        lifecycle.record(
            ObstacleStatusChange,
            {"obstacle": current},
            from_status=previous,
            to_status=current.status,
            actor=actor,
            effective_on=moved_on,
            reason=current.resolution if current.status == ObstacleStatus.RESOLVED else "",
        )
    return current
