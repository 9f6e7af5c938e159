"""Commendation (thi đua, khen thưởng): who a title is for, who decides it, and a nomination's lifecycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from icis.core.lifecycle import Machine


class RecipientKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class TitleRecipients(models.TextChoices):
    """Whom a form or title may be given to."""

    COLLECTIVE = "collective", _("Collectives")
    INDIVIDUAL = "individual", _("Individuals")
    BOTH = "both", _("Collectives and individuals")


class TitleKind(models.TextChoices):
    FORM = "form", _("Form of commendation")
    TITLE = "title", _("Emulation title")


class Authority(models.TextChoices):
    """Who decides a title: DoIT awards what its Director may; the rest is proposed upward."""

    DOIT_DIRECTOR = "doit_director", _("Director of the Department of Industry and Trade")
    PROVINCIAL = "provincial", _("Chair of the provincial People's Committee")
    HIGHER = "higher", _("Central level (Minister, Prime Minister, President)")


class NominationStatus(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    SUBMITTED = "submitted", _("Submitted to DoIT")
    PROPOSED = "proposed", _("Proposed to a higher authority")
    AWARDED = "awarded", _("Awarded")
    REFUSED = "refused", _("Refused")


STATUS_COLOURS = {
    NominationStatus.DRAFTED: "#6c757d",
    NominationStatus.SUBMITTED: "#fd7e14",
    NominationStatus.PROPOSED: "#6f42c1",
    NominationStatus.AWARDED: "#198754",
    NominationStatus.REFUSED: "#dc3545",
}

NOMINATION_TRANSITIONS = {
    NominationStatus.DRAFTED: (NominationStatus.SUBMITTED,),
    NominationStatus.SUBMITTED: (NominationStatus.AWARDED, NominationStatus.PROPOSED, NominationStatus.REFUSED),
    NominationStatus.PROPOSED: (NominationStatus.AWARDED, NominationStatus.REFUSED),
    NominationStatus.AWARDED: (),
    NominationStatus.REFUSED: (),
}
# A refusal says why; an award names its decision (checked by the service).
NOMINATION_LIFECYCLE = Machine(
    "nomination",
    NominationStatus,
    NOMINATION_TRANSITIONS,
    reason_required=False,
    reason_required_to=(NominationStatus.REFUSED,),
    reason_message=gettext_noop("Say why the nomination is refused."),
)
# The moves that decide (DoIT's), as against submitting a draft.
DECIDING = (NominationStatus.AWARDED, NominationStatus.PROPOSED, NominationStatus.REFUSED)
