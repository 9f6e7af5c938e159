from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from icis.core.lifecycle import Machine


class Component(models.TextChoices):
    """Shared technical infrastructure (Decree 32 Art 2.4), plus site clearance, as progress is reported."""

    SITE_CLEARANCE = "site_clearance", _("Site clearance")
    INTERNAL_ROADS = "internal_roads", _("Internal roads")
    DRAINAGE = "drainage", _("Drainage")
    WATER_SUPPLY = "water_supply", _("Water supply")
    WASTEWATER = "wastewater", _("Wastewater collection and treatment")
    SOLID_WASTE = "solid_waste", _("Solid waste")
    FIRE_PROTECTION = "fire_protection", _("Fire protection")
    POWER = "power", _("Power supply")
    LIGHTING = "lighting", _("Public lighting")
    TELECOMS = "telecoms", _("Telecoms")
    GREEN_SPACE = "green_space", _("Green space")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned to the investor")


REPORT_COLOURS = {
    ReportStatus.SUBMITTED: "#fd7e14",
    ReportStatus.ACCEPTED: "#198754",
    ReportStatus.RETURNED: "#dc3545",
}
# Only DoIT's review moves a report on; a returned report stays returned (the investor submits a new one).
REPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReportStatus.SUBMITTED: (ReportStatus.ACCEPTED, ReportStatus.RETURNED),
    ReportStatus.ACCEPTED: (),
    ReportStatus.RETURNED: (),
}
REPORT_LIFECYCLE = Machine(
    "progress_report",
    ReportStatus,
    REPORT_TRANSITIONS,
    to_field="status",
    reason_field="note",
    reason_required=False,
    reason_required_to=(ReportStatus.RETURNED,),
    reason_message=gettext_noop("Say what the investor must correct."),
)


class MilestoneKind(models.TextChoices):
    """The sequence after establishment (Decree 32 Art 14), in order."""

    DETAILED_PLAN = "detailed_plan_approved", _("Detailed 1/500 plan approved")
    PROJECT_APPROVED = "infrastructure_project_approved", _("Infrastructure project approved")
    CONSTRUCTION_START = "construction_start", _("Construction start")
    WWTP_COMPLETE = "wwtp_complete", _("Wastewater treatment plant complete")
    INFRASTRUCTURE_COMPLETE = "infrastructure_complete", _("Infrastructure complete")
    OPERATION = "operation", _("Operation")


MILESTONE_ORDER = {kind: index for index, kind in enumerate(MilestoneKind.values)}


class ObstacleCategory(models.TextChoices):
    LAND_CLEARANCE = "land_clearance", _("Land clearance")
    LAND_PROCEDURES = "land_procedures", _("Land procedures")
    INVESTMENT_PROCEDURES = "investment_procedures", _("Investment procedures")
    CAPITAL = "capital", _("Capital")
    PLANNING = "planning", _("Planning")
    ENVIRONMENT = "environment", _("Environment")
    OTHER = "other", _("Other")


class ObstacleStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Being resolved")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated to the People's Committee")


OBSTACLE_COLOURS = {
    ObstacleStatus.OPEN: "#dc3545",
    ObstacleStatus.IN_PROGRESS: "#fd7e14",
    ObstacleStatus.RESOLVED: "#198754",
    ObstacleStatus.ESCALATED: "#6f42c1",
}
# A resolved obstacle may be reopened when it comes back; every move is recorded in the history.
OBSTACLE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ObstacleStatus.OPEN: (ObstacleStatus.IN_PROGRESS, ObstacleStatus.RESOLVED, ObstacleStatus.ESCALATED),
    ObstacleStatus.IN_PROGRESS: (ObstacleStatus.OPEN, ObstacleStatus.RESOLVED, ObstacleStatus.ESCALATED),
    ObstacleStatus.ESCALATED: (ObstacleStatus.IN_PROGRESS, ObstacleStatus.RESOLVED),
    ObstacleStatus.RESOLVED: (ObstacleStatus.OPEN,),
}
# Resolving needs the resolution written down (checked by the service, on its own field).
OBSTACLE_LIFECYCLE = Machine("obstacle", ObstacleStatus, OBSTACLE_TRANSITIONS, to_field="status", reason_required=False)


class VisitPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Flag(models.TextChoices):
    """Warnings on a cluster under construction; each comes with its reason."""

    STALLED = "stalled", _("Stalled")
    BEHIND_SCHEDULE = "behind_schedule", _("Behind schedule")
    NOT_STARTED = "not_started", _("Not started")
    NEAR_COMPLETE = "near_complete", _("Nearly complete")


FLAG_COLOURS = {
    Flag.STALLED: "#dc3545",
    Flag.BEHIND_SCHEDULE: "#fd7e14",
    Flag.NOT_STARTED: "#6c757d",
    Flag.NEAR_COMPLETE: "#198754",
}

# The stages the construction board follows (cluster statuses), as plain values for query parameters.
BOARD_STAGES_VALUES = ("established", "under_construction", "infrastructure_complete")
