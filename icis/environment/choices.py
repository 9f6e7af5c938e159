from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class PlantStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")


PLANT_STATUS_COLOURS = {
    PlantStatus.PLANNED: "#0dcaf0",
    PlantStatus.UNDER_CONSTRUCTION: "#fd7e14",
    PlantStatus.OPERATING: "#198754",
    PlantStatus.SUSPENDED: "#dc3545",
}

# A suspended plant may restart, or be rebuilt (upgrade works).
PLANT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PlantStatus.PLANNED: (PlantStatus.UNDER_CONSTRUCTION,),
    PlantStatus.UNDER_CONSTRUCTION: (PlantStatus.OPERATING, PlantStatus.SUSPENDED),
    PlantStatus.OPERATING: (PlantStatus.SUSPENDED, PlantStatus.UNDER_CONSTRUCTION),
    PlantStatus.SUSPENDED: (PlantStatus.OPERATING, PlantStatus.UNDER_CONSTRUCTION),
}
PLANT_LIFECYCLE = Machine("plant", PlantStatus, PLANT_TRANSITIONS)
# Circular 14 items 13 / 26: "central WWTP built or under construction".
BUILT_OR_BUILDING = (PlantStatus.UNDER_CONSTRUCTION, PlantStatus.OPERATING, PlantStatus.SUSPENDED)
# Plants whose effluent is judged: built ones (a suspended plant does not meet the standard).
BUILT = (PlantStatus.OPERATING, PlantStatus.SUSPENDED)


class ReceivingClass(models.TextChoices):
    A = "A", _("A — water used for domestic supply")
    B = "B", _("B — other receiving water")
    C = "C", _("C (QCVN 40:2025)")


class WaterBodyKind(models.TextChoices):
    RIVER = "river", _("River, stream or canal")
    LAKE = "lake", _("Lake or reservoir")
    COASTAL = "coastal", _("Coastal water")
    COASTAL_RECREATION = "coastal_recreation", _("Coastal water used for recreation")


class Factor(models.TextChoices):
    KQ = "kq", _("Kq (receiving water)")
    KF = "kf", _("Kf (discharge flow)")


class SamplePoint(models.TextChoices):
    INLET = "inlet", _("Inlet")
    OUTLET = "outlet", _("Outlet")


class SampleOrigin(models.TextChoices):
    PERIODIC = "periodic", _("Periodic monitoring (laboratory)")
    CONTINUOUS = "continuous", _("Automatic continuous monitoring (daily value)")


class Qualifier(models.TextChoices):
    MEASURED = "", _("measured")
    BELOW_DETECTION = "<", _("below the detection limit")


class Outcome(models.TextChoices):
    """The verdict on one parameter of a sample, or on a whole sample (the worst of its parameters)."""

    COMPLIANT = "compliant", _("Compliant")
    EXCEEDED = "exceeded", _("Exceeds the limit")
    INDETERMINATE = "indeterminate", _("Cannot be judged")
    NOT_REGULATED = "not_regulated", _("No limit")
    NOT_ASSESSED = "not_assessed", _("Not judged (inlet)")


OUTCOME_COLOURS = {
    Outcome.COMPLIANT: "#198754",
    Outcome.EXCEEDED: "#dc3545",
    Outcome.INDETERMINATE: "#fd7e14",
    Outcome.NOT_REGULATED: "#6c757d",
    Outcome.NOT_ASSESSED: "#6c757d",
}


class ConnectionKind(models.TextChoices):
    CONNECTED = "connected", _("Connected to the central plant")
    OWN_TREATMENT = "own_treatment", _("Own treatment under its own permit")


class ViolationKind(models.TextChoices):
    EXCEEDANCE = "exceedance", _("Effluent limit exceeded")
    REPORT_MISSING = "report_missing", _("Monitoring report not received")


class ViolationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CORRECTED = "corrected", _("Corrected")
    CLOSED = "closed", _("Closed")


VIOLATION_COLOURS = {
    ViolationStatus.OPEN: "#dc3545",
    ViolationStatus.CORRECTED: "#fd7e14",
    ViolationStatus.CLOSED: "#6c757d",
}
# Corrected means the operator says it is fixed; the authority closes it (or reopens it).
VIOLATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ViolationStatus.OPEN: (ViolationStatus.CORRECTED, ViolationStatus.CLOSED),
    ViolationStatus.CORRECTED: (ViolationStatus.CLOSED, ViolationStatus.OPEN),
    ViolationStatus.CLOSED: (),
}
# The note is optional; the date may not precede the detection (checked by the service).
VIOLATION_LIFECYCLE = Machine("violation", ViolationStatus, VIOLATION_TRANSITIONS, reason_required=False)
