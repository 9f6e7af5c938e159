from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class ProjectStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    BUILDING = "building", _("Building")
    OPERATING = "operating", _("Operating")
    STOPPED = "stopped", _("Stopped")
    LEFT = "left", _("Left the cluster")


# A project may start operating or stop at any point; a tenant who left is gone for good (a returning
# firm is a new project, so its reports stay apart).
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProjectStatus.REGISTERED: (
        ProjectStatus.BUILDING,
        ProjectStatus.OPERATING,
        ProjectStatus.STOPPED,
        ProjectStatus.LEFT,
    ),
    ProjectStatus.BUILDING: (ProjectStatus.OPERATING, ProjectStatus.STOPPED, ProjectStatus.LEFT),
    ProjectStatus.OPERATING: (ProjectStatus.STOPPED, ProjectStatus.LEFT),
    ProjectStatus.STOPPED: (ProjectStatus.BUILDING, ProjectStatus.OPERATING, ProjectStatus.LEFT),
    ProjectStatus.LEFT: (),
}
PROJECT_LIFECYCLE = Machine("tenant_project", ProjectStatus, PROJECT_TRANSITIONS, reason_required=False)


class ReportForm(models.TextChoices):
    FORM_01 = "01", _("Form 01 (tenant project)")
    FORM_02 = "02", _("Form 02 (infrastructure investor)")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")


SUBMISSION_TRANSITIONS = {
    SubmissionStatus.DRAFT: (SubmissionStatus.SUBMITTED,),
    SubmissionStatus.SUBMITTED: (SubmissionStatus.RETURNED, SubmissionStatus.ACCEPTED),
    SubmissionStatus.RETURNED: (SubmissionStatus.SUBMITTED,),
    SubmissionStatus.ACCEPTED: (),
}
# Returning needs what to correct (checked by the service, which names its own field).
SUBMISSION_LIFECYCLE = Machine(
    "submission", SubmissionStatus, SUBMISSION_TRANSITIONS, to_field="status", reason_required=False
)
