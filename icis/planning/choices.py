from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class AreaSourceKind(models.TextChoices):
    PLAN = "plan", _("Development plan")
    DECISION = "decision", _("Establishment decision")
    DETAILED_PLAN = "detailed_plan", _("Detailed 1/500 plan")
    REPORT = "report", _("Report")


class PlanGroup(models.TextChoices):
    """How a plan version treats a cluster compared with the version it amends."""

    KEPT = "kept", _("Kept")
    AREA_CHANGED = "area_changed", _("Area changed")
    WITHDRAWN = "withdrawn", _("Withdrawn from the plan")
    ADDED = "added", _("Added")
    BROUGHT_FORWARD = "brought_forward", _("Brought forward from after the horizon")
    DEFERRED = "deferred", _("Deferred beyond the horizon")


# Entries of these groups are shown with the version but never counted in its totals.
NOT_COUNTED_GROUPS = (PlanGroup.WITHDRAWN, PlanGroup.DEFERRED)


class AmendmentStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted by the commune")
    SUBMITTED = "submitted", _("Submitted to DoIT")
    APPRAISED = "appraised", _("Appraised by DoIT")
    TO_CITY = "to_city", _("Submitted to the provincial People's Committee")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


AMENDMENT_TRANSITIONS = {
    AmendmentStatus.DRAFTED: (AmendmentStatus.SUBMITTED,),
    AmendmentStatus.SUBMITTED: (AmendmentStatus.APPRAISED, AmendmentStatus.REJECTED),
    AmendmentStatus.APPRAISED: (AmendmentStatus.TO_CITY, AmendmentStatus.REJECTED),
    AmendmentStatus.TO_CITY: (AmendmentStatus.APPROVED, AmendmentStatus.REJECTED),
    AmendmentStatus.APPROVED: (),
    AmendmentStatus.REJECTED: (),
}
# The note is optional; approval and rejection need the decision (checked by the service).
AMENDMENT_LIFECYCLE = Machine(
    "amendment", AmendmentStatus, AMENDMENT_TRANSITIONS, date_field="on", reason_field="note", reason_required=False
)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "late", _("Late")
