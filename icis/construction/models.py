"""Construction of a cluster's shared infrastructure: progress reports, milestones, obstacles, site visits."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.core.uploads import PHOTO, UploadField
from icis.documents.models import Document

from .choices import (
    OBSTACLE_COLOURS,
    REPORT_COLOURS,
    Component,
    MilestoneKind,
    ObstacleCategory,
    ObstacleStatus,
    ReportStatus,
    VisitPlanStatus,
)

PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}
AREA = {"max_digits": 10, "decimal_places": 4, "null": True, "blank": True, "validators": [MinValueValidator(0)]}
MONEY = {"null": True, "blank": True, "validators": [MinValueValidator(0)]}
COUNT = {"null": True, "blank": True}


class ClusterScopedQuerySet(ScopedQuerySet):
    """Rows belong to a cluster: a user reaches them exactly when they reach the cluster."""

    cluster_path = "cluster"

    def scope_q(self, user, action):
        return models.Q(**{f"{self.cluster_path}__in": Cluster.objects.restrict(user, action)})


class ComponentQuerySet(ClusterScopedQuerySet):
    cluster_path = "report__cluster"


class PhotoQuerySet(ClusterScopedQuerySet):
    cluster_path = "record__cluster"


def _not_negative(*fields: str, prefix: str) -> list[models.CheckConstraint]:
    return [models.CheckConstraint(condition=models.Q(**{f"{f}__gte": 0}), name=f"{prefix}_{f}_ge_0") for f in fields]


class ProgressReport(Versioned, TimeStamped):
    """The investor's report of how far the infrastructure works have got on a date.

    Submitted by the investor, accepted or returned by DoIT. Only accepted reports count in
    figures, forecasts and flags.
    """

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    report_date = models.DateField(_("report date"), help_text=_("The date the figures describe."))
    overall_percent = models.DecimalField(_("overall physical progress (%)"), **PERCENT)
    approved_capital_vnd = models.BigIntegerField(_("approved infrastructure capital (VND)"), **MONEY)
    disbursed_vnd = models.BigIntegerField(
        _("disbursed capital (VND)"), help_text=_("Cumulative; also pays for land, so not a measure of works."), **MONEY
    )
    construction_value_vnd = models.BigIntegerField(_("construction value (VND)"), **MONEY)
    clearance_to_clear_ha = models.DecimalField(_("site clearance: area to clear (ha)"), **AREA)
    clearance_cleared_ha = models.DecimalField(_("site clearance: area cleared (ha)"), **AREA)
    clearance_handed_over_ha = models.DecimalField(_("site clearance: area handed over (ha)"), **AREA)
    households_to_clear = models.PositiveIntegerField(_("households to clear"), **COUNT)
    households_cleared = models.PositiveIntegerField(_("households cleared"), **COUNT)
    households_handed_over = models.PositiveIntegerField(_("households whose land is handed over"), **COUNT)
    remarks = models.TextField(_("remarks"), blank=True)
    decrease_reason = models.TextField(
        _("reason for a lower figure"),
        blank=True,
        help_text=_("Required when a figure is lower than in the last accepted report."),
    )
    source_document = models.ForeignKey(
        Document,
        verbose_name=_("report document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED, editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("review note"), blank=True, editable=False)

    history = history()
    objects = ClusterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "-report_date", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        permissions = [("review_progressreport", _("Can accept or return progress reports"))]
        indexes = [
            # the board, forecasts and the summary read accepted reports per cluster by date
            models.Index(fields=["cluster", "status", "report_date"], name="construction_report_asof_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overall_percent__gte=0, overall_percent__lte=100),
                name="construction_report_percent_0_100",
            ),
            *_not_negative(
                "approved_capital_vnd",
                "disbursed_vnd",
                "construction_value_vnd",
                "clearance_to_clear_ha",
                "clearance_cleared_ha",
                "clearance_handed_over_ha",
                prefix="construction_report",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="construction_report_status_known"
            ),
            # One live report per cluster and date; a returned one may be replaced.
            models.UniqueConstraint(
                fields=["cluster", "report_date"],
                condition=~models.Q(status=ReportStatus.RETURNED),
                name="construction_report_one_per_date",
            ),
        ]

    def __str__(self):
        return _("%(cluster)s: %(percent)s%% on %(date)s") % {
            "cluster": self.cluster.name,
            "percent": self.overall_percent,
            "date": formats.date(self.report_date),
        }

    @property
    def status_colour(self) -> str:
        return REPORT_COLOURS[self.status]

    def clean(self):
        errors = {}
        pairs = [
            ("clearance_cleared_ha", "clearance_to_clear_ha"),
            ("clearance_handed_over_ha", "clearance_cleared_ha"),
            ("households_cleared", "households_to_clear"),
            ("households_handed_over", "households_cleared"),
        ]
        for small, large in pairs:
            low, high = getattr(self, small), getattr(self, large)
            if low is not None and high is not None and low > high:
                errors[small] = ValidationError(
                    _("%(small)s (%(low)s) cannot exceed %(large)s (%(high)s).")
                    % {
                        "small": self._meta.get_field(small).verbose_name,
                        "low": low,
                        "large": self._meta.get_field(large).verbose_name,
                        "high": high,
                    },
                    code="exceeds",
                )
        if errors:
            raise ValidationError(errors)


class ComponentProgress(models.Model):
    """Progress of one shared-infrastructure component in a report."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="components"
    )
    component = models.CharField(_("component"), max_length=30, choices=Component.choices)
    percent = models.DecimalField(_("progress (%)"), **PERCENT)

    history = history()
    objects = ComponentQuerySet.as_manager()

    class Meta:
        ordering = ["report", "component"]
        verbose_name = _("component progress")
        verbose_name_plural = _("component progress")
        constraints = [
            models.UniqueConstraint(fields=["report", "component"], name="construction_component_once"),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100), name="construction_component_percent_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(component__in=Component.values), name="construction_component_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_component_display()}: {self.percent}%"


class Milestone(Versioned, TimeStamped):
    """A step of the construction sequence: when the establishment decision planned it, and when it happened."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=40, choices=MilestoneKind.choices)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    actual_on = models.DateField(_("actual date"), null=True, blank=True)
    planned_in = models.ForeignKey(
        Document,
        verbose_name=_("schedule set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Usually the establishment decision's project schedule."),
    )
    evidence = models.ForeignKey(
        Document,
        verbose_name=_("evidence it happened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = ClusterScopedQuerySet.as_manager()

    class Meta:
        # unplanned milestones after the planned ones on every database (SQLite sorts NULLs first ascending)
        ordering = ["cluster", models.F("planned_on").asc(nulls_last=True), "kind"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kind"], name="construction_milestone_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=MilestoneKind.values), name="construction_milestone_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.cluster.name}: {self.get_kind_display()}"

    def variance_days(self, today) -> int | None:
        """Days late (positive) or early (negative) against the plan; for a milestone not yet reached,
        how late it is today (or None while it is not yet due)."""
        if self.planned_on is None:
            return None
        if self.actual_on is not None:
            return (self.actual_on - self.planned_on).days
        if self.planned_on < today:
            return (today - self.planned_on).days
        return None


# Obstacles by due date, undated ones last on every database (SQLite would put NULLs first): the model's order
# and the lists' (selectors).
DUE_FIRST = models.F("due_on").asc(nulls_last=True)
OBSTACLE_ORDER = (DUE_FIRST, "raised_on", "id")


class Obstacle(Versioned, TimeStamped):
    """Something blocking a cluster's construction (vướng mắc), who must remove it and by when."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="obstacles")
    category = models.CharField(_("category"), max_length=30, choices=ObstacleCategory.choices)
    description = models.TextField(_("description"))
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obstacles",
    )
    responsible_agency = models.CharField(
        _("responsible agency"),
        max_length=255,
        blank=True,
        help_text=_("As written, when the agency is not a registered organisation."),
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ObstacleStatus.choices, default=ObstacleStatus.OPEN, editable=False
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, editable=False)
    requested_direction = models.TextField(
        _("what the People's Committee is asked to direct"),
        blank=True,
        help_text=_("Shown in the leaders' briefing."),
    )
    source_document = models.ForeignKey(
        Document,
        verbose_name=_("source document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obstacles",
    )

    history = history()
    objects = ClusterScopedQuerySet.as_manager()

    class Meta:
        ordering = list(OBSTACLE_ORDER)
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        indexes = [
            # the obstacle list and the dashboard count open obstacles by due date
            models.Index(fields=["status", "due_on"], name="construction_obstacle_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True) | models.Q(due_on__gte=models.F("raised_on")),
                name="construction_obstacle_due_after_raised",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ObstacleStatus.values), name="construction_obstacle_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=ObstacleCategory.values), name="construction_obstacle_category_known"
            ),
        ]

    def __str__(self):
        return f"{self.cluster.name}: {self.get_category_display()}"

    @property
    def status_colour(self) -> str:
        return OBSTACLE_COLOURS[self.status]

    @property
    def responsible(self) -> str:
        return str(self.responsible_organisation) if self.responsible_organisation_id else self.responsible_agency

    def is_overdue(self, today) -> bool:
        return self.status != ObstacleStatus.RESOLVED and self.due_on is not None and self.due_on < today

    def clean(self):
        errors = {}
        if self.due_on and self.raised_on and self.due_on < self.raised_on:
            errors["due_on"] = ValidationError(
                _("The due date cannot be before the date the obstacle was raised."), code="before_raised"
            )
        if not self.responsible_organisation_id and not self.responsible_agency.strip():
            errors["responsible_agency"] = ValidationError(
                _("Name the agency responsible for removing the obstacle."), code="required"
            )
        if errors:
            raise ValidationError(errors)


class VisitPlanQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(pk__in=PlannedVisit.objects.restrict(user, action).values("plan_id"))

    def province_q(self, codes, user, action):
        """Plans visiting the provinces' clusters, and plans with no visit yet."""
        return self.scope_q(user, action) | ~models.Q(pk__in=PlannedVisit.objects.values("plan_id"))


class VisitPlan(Versioned, TimeStamped):
    """A schedule of site visits to clusters under construction, drafted by ICIS and approved by DoIT."""

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    frequency_months = models.PositiveSmallIntegerField(
        _("visit every (months)"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VisitPlanStatus.choices, default=VisitPlanStatus.DRAFT, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    history = history()
    objects = VisitPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("inspection visit plan")
        verbose_name_plural = _("inspection visit plans")
        permissions = [("approve_visitplan", _("Can approve an inspection visit plan"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="construction_plan_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(frequency_months__gte=1, frequency_months__lte=24),
                name="construction_plan_frequency_1_24",
            ),
        ]

    def __str__(self):
        return self.title


class PlannedVisit(Versioned, TimeStamped):
    """One site visit in a plan: which cluster, by when."""

    plan = models.ForeignKey(VisitPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="visits")
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="planned_visits"
    )
    due_on = models.DateField(_("visit by"))
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    history = history()
    objects = ClusterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "cluster__sort_name", "id"]
        verbose_name = _("planned site visit")
        verbose_name_plural = _("planned site visits")

    def __str__(self):
        return f"{self.cluster.name} — {formats.date(self.due_on)}"


PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
PHOTO_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp")
PHOTO_MAX_BYTES = 10 * 1024 * 1024


class VisitRecord(TimeStamped):
    """What an inspector found on a site visit."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="visit_records"
    )
    planned_visit = models.ForeignKey(
        PlannedVisit,
        verbose_name=_("planned visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    visited_on = models.DateField(_("visited on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("findings"))
    recommendations = models.TextField(_("recommendations"), blank=True)

    history = history()
    objects = ClusterScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("site visit record")
        verbose_name_plural = _("site visit records")

    def __str__(self):
        return f"{self.cluster.name} — {formats.date(self.visited_on)}"


class VisitPhoto(TimeStamped):
    """A photo taken on a site visit (JPEG, PNG or WebP, at most 10 MB)."""

    record = models.ForeignKey(VisitRecord, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file = UploadField(_("photo"), upload_to="visits/%Y/", kind=PHOTO)
    caption = models.CharField(_("caption"), max_length=255, blank=True)

    history = history()
    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["record", "id"]
        verbose_name = _("site visit photo")
        verbose_name_plural = _("site visit photos")

    def __str__(self):
        return self.caption or self.file.name


class ProgressReportStatusChange(StatusChangeBase):
    """One step of a progress report's review (submitted, accepted, returned): `icis.core.lifecycle`."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReportStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("progress report status change")
        verbose_name_plural = _("progress report status changes")


class ObstacleStatusChange(StatusChangeBase):
    """One step of an obstacle's life (open, being resolved, escalated, resolved): `icis.core.lifecycle`."""

    obstacle = models.ForeignKey(
        Obstacle, verbose_name=_("obstacle"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ObstacleStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ObstacleStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("obstacle status change")
        verbose_name_plural = _("obstacle status changes")


class ProgressState(models.Model):
    """Each cluster's accepted progress as it stands now: what the board, the summary and the dashboard read.

    Derived from the accepted reports and kept on write, in the same transaction as the report's own save
    (`icis.construction.state`): the number of accepted reports, the last `RECENT_KEPT` of them (oldest first,
    as `[["YYYY-MM-DD", "percent"], …]`), the last one that raised overall progress and the first at 100 %.
    A cluster without accepted reports has no row. No field history: the reports carry it, and
    `state.progress_state_refresh()` rebuilds any row from them.
    """

    RECENT_KEPT = 24

    cluster = models.OneToOneField(
        Cluster,
        verbose_name=_("cluster"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="progress_state",
    )
    accepted_count = models.PositiveIntegerField(_("accepted reports"), default=0)
    latest_on = models.DateField(_("latest accepted report"), null=True, blank=True, db_index=True)
    # the last report's percentage beside its date, so a reader of "now" (the summary) needs no JSON
    latest_percent = models.DecimalField(_("latest overall progress (%)"), null=True, blank=True, **PERCENT)
    recent = models.JSONField(_("last accepted reports"), default=list, blank=True)
    last_increase_on = models.DateField(_("last increase"), null=True, blank=True)
    last_increase_percent = models.DecimalField(
        _("overall progress at the last increase (%)"), null=True, blank=True, **PERCENT
    )
    first_done_on = models.DateField(_("first report at 100%"), null=True, blank=True)
    first_done_percent = models.DecimalField(
        _("overall progress reported complete (%)"), null=True, blank=True, **PERCENT
    )
    # The forecast completion date from the last `forecast_window` reports (`selectors.forecast_completion`
    # without a date: the least-squares projection), None when complete, stalled or too few reports. The
    # board's delay ordering and behind-schedule filter read it in SQL; a reader whose ICIS_FORECAST_REPORTS
    # differs from `forecast_window` computes the forecast itself.
    forecast_on = models.DateField(_("forecast completion"), null=True, blank=True)
    forecast_window = models.PositiveSmallIntegerField(_("reports the forecast used"), default=0)

    class Meta:
        verbose_name = _("construction progress state")
        verbose_name_plural = _("construction progress states")

    def __str__(self):
        return str(self.cluster_id)
