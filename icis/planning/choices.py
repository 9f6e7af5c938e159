from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class AreaSourceKind(models.TextChoices):
    PLAN = "plan", _("Development plan")
    DECISION = "decision", _("Establishment decision")
    DETAILED_PLAN = "detailed_plan", _("Detailed 1/500 plan")
    REPORT = "report", _("Report")


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
