from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    BUILDING = "building", _("Building")
    OPERATING = "operating", _("Operating")
    STOPPED = "stopped", _("Stopped")
    LEFT = "left", _("Left the cluster")


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
