from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class ClusterKind(models.TextChoices):
    GENERAL = "general", _("General")
    CRAFT_VILLAGE = "craft_village", _("Craft village")
    SPECIALISED = "specialised", _("Specialised")


class ClusterStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed for the plan")
    PLANNED = "planned", _("Planned")
    ESTABLISHED = "established", _("Established")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    INFRASTRUCTURE_COMPLETE = "infrastructure_complete", _("Infrastructure complete")
    OPERATING = "operating", _("Operating")
    REVOKED = "revoked", _("Revoked")
    REMOVED = "removed", _("Removed from the plan")
    CONVERTED_TO_PARK = "converted_to_park", _("Converted into an industrial park")


STATUS_COLOURS = {
    ClusterStatus.PROPOSED: "#6c757d",
    ClusterStatus.PLANNED: "#0dcaf0",
    ClusterStatus.ESTABLISHED: "#0d6efd",
    ClusterStatus.UNDER_CONSTRUCTION: "#fd7e14",
    ClusterStatus.INFRASTRUCTURE_COMPLETE: "#20c997",
    ClusterStatus.OPERATING: "#198754",
    ClusterStatus.REVOKED: "#dc3545",
    ClusterStatus.REMOVED: "#343a40",
    ClusterStatus.CONVERTED_TO_PARK: "#6f42c1",
}

# Where a cluster may go from each state. A revoked establishment leaves the cluster in the plan,
# so it may be planned again (a new investor is then selected); removal from the plan is final.
# A cluster converted into an industrial park keeps its record (the park's name and the converting
# decision) and leaves the cluster counts: the conversion is final.
_PARK = ClusterStatus.CONVERTED_TO_PARK
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ClusterStatus.PROPOSED: (ClusterStatus.PLANNED, ClusterStatus.REMOVED),
    ClusterStatus.PLANNED: (ClusterStatus.ESTABLISHED, ClusterStatus.REMOVED, _PARK),
    ClusterStatus.ESTABLISHED: (ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.REVOKED, _PARK),
    ClusterStatus.UNDER_CONSTRUCTION: (ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.REVOKED, _PARK),
    ClusterStatus.INFRASTRUCTURE_COMPLETE: (ClusterStatus.OPERATING, ClusterStatus.REVOKED, _PARK),
    ClusterStatus.OPERATING: (ClusterStatus.REVOKED, _PARK),
    ClusterStatus.REVOKED: (ClusterStatus.PLANNED, ClusterStatus.REMOVED),
    ClusterStatus.REMOVED: (),
    ClusterStatus.CONVERTED_TO_PARK: (),
}
# The lifecycle of clusters and of their expansions (icis.core.lifecycle): every move says why.
LIFECYCLE = Machine("cluster", ClusterStatus, ALLOWED_TRANSITIONS)

# States from which the cluster exists as a legal entity (it has an establishment decision)
# or is operating as one: counted as "established" in reports.
ESTABLISHED_STATES = (
    ClusterStatus.ESTABLISHED,
    ClusterStatus.UNDER_CONSTRUCTION,
    ClusterStatus.INFRASTRUCTURE_COMPLETE,
    ClusterStatus.OPERATING,
)
# States that count towards the development plan's totals (a cluster converted into an industrial
# park is in none of these: it is no longer counted as a cluster, in the plan or in occupancy).
IN_PLAN_STATES = (ClusterStatus.PLANNED, *ESTABLISHED_STATES)
# States in which the record stays but the cluster is gone from the live figures.
GONE_STATES = (ClusterStatus.REVOKED, ClusterStatus.REMOVED, ClusterStatus.CONVERTED_TO_PARK)


class CommuneBasis(models.TextChoices):
    STATED = "stated", _("Stated by a source")
    SUGGESTED = "suggested", _("Suggested from the name; to verify")
