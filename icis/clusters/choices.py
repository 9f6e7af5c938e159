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


STATUS_COLOURS = {
    ClusterStatus.PROPOSED: "#6c757d",
    ClusterStatus.PLANNED: "#0dcaf0",
    ClusterStatus.ESTABLISHED: "#0d6efd",
    ClusterStatus.UNDER_CONSTRUCTION: "#fd7e14",
    ClusterStatus.INFRASTRUCTURE_COMPLETE: "#20c997",
    ClusterStatus.OPERATING: "#198754",
    ClusterStatus.REVOKED: "#dc3545",
    ClusterStatus.REMOVED: "#343a40",
}

# Where a cluster may go from each state. A revoked establishment leaves the cluster in the plan,
# so it may be planned again (a new investor is then selected); removal from the plan is final.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ClusterStatus.PROPOSED: (ClusterStatus.PLANNED, ClusterStatus.REMOVED),
    ClusterStatus.PLANNED: (ClusterStatus.ESTABLISHED, ClusterStatus.REMOVED),
    ClusterStatus.ESTABLISHED: (ClusterStatus.UNDER_CONSTRUCTION, ClusterStatus.REVOKED),
    ClusterStatus.UNDER_CONSTRUCTION: (ClusterStatus.INFRASTRUCTURE_COMPLETE, ClusterStatus.REVOKED),
    ClusterStatus.INFRASTRUCTURE_COMPLETE: (ClusterStatus.OPERATING, ClusterStatus.REVOKED),
    ClusterStatus.OPERATING: (ClusterStatus.REVOKED,),
    ClusterStatus.REVOKED: (ClusterStatus.PLANNED, ClusterStatus.REMOVED),
    ClusterStatus.REMOVED: (),
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
# States that count towards the development plan's totals.
IN_PLAN_STATES = (ClusterStatus.PLANNED, *ESTABLISHED_STATES)


class CommuneBasis(models.TextChoices):
    STATED = "stated", _("Stated by a source")
    SUGGESTED = "suggested", _("Suggested from the name; to verify")
