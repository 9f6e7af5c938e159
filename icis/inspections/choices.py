"""Inspection topics, statuses, colours and the status machines of plans, inspections and violations."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class Topic(models.TextChoices):
    """What an inspection checks (the provincial plan: planning, investment, construction, land use; and the
    obligations of Decree 32 Art 19.3 and 23.2)."""

    PLANNING = "planning", _("Planning")
    INVESTMENT = "investment", _("Investment")
    CONSTRUCTION = "construction", _("Construction")
    LAND_USE = "land_use", _("Land use")
    ENVIRONMENT = "environment", _("Environment")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    LABOUR = "labour", _("Labour")


class SubjectKind(models.TextChoices):
    CLUSTER = "cluster", _("Cluster")
    INVESTOR = "investor", _("Infrastructure investor")
    TENANT = "tenant", _("Tenant firm")


class PlanKind(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    AD_HOC = "ad_hoc", _("Ad hoc")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


PLAN_COLOURS = {
    PlanStatus.DRAFT: "#6c757d",
    PlanStatus.SUBMITTED: "#0d6efd",
    PlanStatus.APPROVED: "#198754",
    PlanStatus.RETURNED: "#fd7e14",
}
# DoIT drafts and submits; a leader approves or returns it; a returned plan is corrected and submitted again.
PLAN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlanStatus.DRAFT: (PlanStatus.SUBMITTED,),
    PlanStatus.SUBMITTED: (PlanStatus.APPROVED, PlanStatus.RETURNED),
    PlanStatus.RETURNED: (PlanStatus.SUBMITTED,),
    PlanStatus.APPROVED: (),
}
PLAN_LIFECYCLE = Machine(
    "inspection_plan",
    PlanStatus,
    PLAN_TRANSITIONS,
    reason_required=False,
    reason_required_to=(PlanStatus.RETURNED,),
    reason_message=_("Say what to correct before the plan is submitted again."),
)


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


INSPECTION_COLOURS = {
    InspectionStatus.PLANNED: "#0d6efd",
    InspectionStatus.DONE: "#198754",
    InspectionStatus.CANCELLED: "#6c757d",
}
INSPECTION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    InspectionStatus.PLANNED: (InspectionStatus.DONE, InspectionStatus.CANCELLED),
    InspectionStatus.DONE: (),
    InspectionStatus.CANCELLED: (),
}
INSPECTION_LIFECYCLE = Machine(
    "inspection",
    InspectionStatus,
    INSPECTION_TRANSITIONS,
    reason_required=False,
    reason_required_to=(InspectionStatus.CANCELLED,),
)


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    VERY_SERIOUS = "very_serious", _("Very serious")


class ViolationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTLY_REMEDIED = "partly_remedied", _("Partly remedied")
    NOT_REMEDIED = "not_remedied", _("Not remedied")
    REMEDIED = "remedied", _("Remedied")


# Every status but remedied leaves the corrective action outstanding.
OPEN_STATUSES = (ViolationStatus.OPEN, ViolationStatus.PARTLY_REMEDIED, ViolationStatus.NOT_REMEDIED)
VIOLATION_COLOURS = {
    ViolationStatus.OPEN: "#dc3545",
    ViolationStatus.PARTLY_REMEDIED: "#fd7e14",
    ViolationStatus.NOT_REMEDIED: "#842029",
    ViolationStatus.REMEDIED: "#198754",
}
VIOLATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ViolationStatus.OPEN: (ViolationStatus.REMEDIED, ViolationStatus.PARTLY_REMEDIED, ViolationStatus.NOT_REMEDIED),
    ViolationStatus.PARTLY_REMEDIED: (
        ViolationStatus.REMEDIED,
        ViolationStatus.PARTLY_REMEDIED,
        ViolationStatus.NOT_REMEDIED,
    ),
    ViolationStatus.NOT_REMEDIED: (
        ViolationStatus.REMEDIED,
        ViolationStatus.PARTLY_REMEDIED,
        ViolationStatus.NOT_REMEDIED,
    ),
    ViolationStatus.REMEDIED: (),
}
VIOLATION_LIFECYCLE = Machine("inspection_violation", ViolationStatus, VIOLATION_TRANSITIONS, reason_required=False)

# The result a follow-up visit records for a violation carried forward: the status it moves the violation to.
FOLLOW_UP_RESULTS = (ViolationStatus.REMEDIED, ViolationStatus.PARTLY_REMEDIED, ViolationStatus.NOT_REMEDIED)


class Answer(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NOT_COMPLIANT = "not_compliant", _("Not compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
