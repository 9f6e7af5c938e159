from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine


class FieldGroup(models.TextChoices):
    """What of a published cluster the portal shows; each group is published on its own."""

    LAND = "land", _("Vacant industrial land")
    SECTORS = "sectors", _("Sectors allowed")
    READINESS = "readiness", _("Infrastructure readiness")
    INCENTIVES = "incentives", _("Incentives")
    LEASE_TERMS = "lease_terms", _("Lease terms")
    CONTACT = "contact", _("Contact")
    LOCATION = "location", _("Location on the map")
    PROJECT = "project", _("Infrastructure project (open data)")


class EnquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    SITE_VISIT = "site_visit", _("Site visit")
    AGREEMENT = "agreement", _("Agreement")
    LEASE_SIGNED = "lease_signed", _("Lease signed")
    LOST = "lost", _("Lost")


STATUS_COLOURS = {
    EnquiryStatus.NEW: "primary",
    EnquiryStatus.CONTACTED: "info",
    EnquiryStatus.SITE_VISIT: "info",
    EnquiryStatus.AGREEMENT: "warning",
    EnquiryStatus.LEASE_SIGNED: "success",
    EnquiryStatus.LOST: "secondary",
}

OPEN_STATES = (EnquiryStatus.NEW, EnquiryStatus.CONTACTED, EnquiryStatus.SITE_VISIT, EnquiryStatus.AGREEMENT)

# An enquiry moves forward one step or skips ahead (a firm that visits before being called); it can be
# lost from any open state. A signed lease and a lost enquiry are final.
ENQUIRY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    EnquiryStatus.NEW: (EnquiryStatus.CONTACTED, EnquiryStatus.SITE_VISIT, EnquiryStatus.LOST),
    EnquiryStatus.CONTACTED: (EnquiryStatus.SITE_VISIT, EnquiryStatus.AGREEMENT, EnquiryStatus.LOST),
    EnquiryStatus.SITE_VISIT: (EnquiryStatus.AGREEMENT, EnquiryStatus.LOST),
    EnquiryStatus.AGREEMENT: (EnquiryStatus.LEASE_SIGNED, EnquiryStatus.LOST),
    EnquiryStatus.LEASE_SIGNED: (),
    EnquiryStatus.LOST: (),
}
# The steps that close an enquiry: they change the conversion figures and, for a signed lease, the registry
# and the vacant land the portal shows. Only who holds `portal.close_enquiry` (DoIT) takes them; the
# cluster's infrastructure investor moves its enquiries through the working steps (contacted, site visit,
# agreement) and keeps notes, and DoIT records the outcome.
CLOSING_STATES = (EnquiryStatus.LEASE_SIGNED, EnquiryStatus.LOST)

ENQUIRY_LIFECYCLE = Machine(
    "enquiry",
    EnquiryStatus,
    ENQUIRY_TRANSITIONS,
    reason_required=False,
    reason_required_to=(EnquiryStatus.LOST,),
)
