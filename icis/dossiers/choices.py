from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class DossierKind(models.TextChoices):
    ESTABLISH = "establish", _("Establishment")
    EXPAND = "expand", _("Expansion")


class Outcome(models.TextChoices):
    """How a dossier ended. Blank while it is open."""

    OPEN = "", _("Open")
    ESTABLISHED = "established", _("Cluster established")
    EXPANDED = "expanded", _("Expansion decided")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Outcomes an officer records by closing a dossier; the other two come only from the decision (step 10).
CLOSING_OUTCOMES = (Outcome.REFUSED, Outcome.WITHDRAWN)
DECIDED_OUTCOMES = (Outcome.ESTABLISHED, Outcome.EXPANDED)

# A dossier ends once: by the decision (step 10) or closed as refused or withdrawn; every end is final.
DOSSIER_LIFECYCLE = Machine(
    name="dossier",
    states=Outcome,
    moves={Outcome.OPEN: (*DECIDED_OUTCOMES, *CLOSING_OUTCOMES)},
    to_field="outcome",
    date_field="date",
    reason_field="note",
    reason_required=False,
)

OUTCOME_COLOURS = {
    Outcome.OPEN: "#0d6efd",
    Outcome.ESTABLISHED: "#198754",
    Outcome.EXPANDED: "#198754",
    Outcome.REFUSED: "#dc3545",
    Outcome.WITHDRAWN: "#6c757d",
}


class StepState(models.TextChoices):
    """Where one rung of the ladder stands (computed, never stored)."""

    DONE = "done", _("done")
    SKIPPED = "skipped", _("skipped")
    OVERDUE = "overdue", _("overdue")
    DUE = "due", _("due")
    PENDING = "pending", _("pending")


STEP_STATE_COLOURS = {
    StepState.DONE: "success",
    StepState.SKIPPED: "secondary",
    StepState.OVERDUE: "danger",
    StepState.DUE: "warning",
    StepState.PENDING: "light",
}


class SelectionOutcome(models.TextChoices):
    WINNER = "winner", _("Selected")
    TIE = "tie", _("Tie")
    NO_QUALIFIED = "no_qualified", _("No qualified applicant")
    NO_APPLICANTS = "no_applicants", _("No applicant")
    INCOMPLETE = "incomplete", _("Scoring incomplete")
