from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What one gate says. A gate whose data is missing is never passed: it cannot be assessed, and
    says what is missing."""

    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    CANNOT_ASSESS = "cannot_assess", _("cannot be assessed")


OUTCOME_COLOURS = {Outcome.PASSED: "success", Outcome.FAILED: "danger", Outcome.CANNOT_ASSESS: "warning"}
