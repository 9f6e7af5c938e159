"""What the investment portal publishes of each cluster, and the enquiries prospective investors send."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.clusters.models import Cluster, Sector
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.geo.models import Province
from icis.tenancy.models import TenantProject

from .choices import STATUS_COLOURS, EnquiryStatus, FieldGroup

POSITIVE = [MinValueValidator(Decimal("0"))]


class PublicationQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(cluster__in=Cluster.objects.restrict(user, action))


class Publication(Versioned, TimeStamped):
    """A cluster's entry on the public investment portal: what of it is public (field groups), the texts
    only the portal shows (incentives, lease terms, contact), who published it and when. A cluster with
    no publication, or a withdrawn one, is not on the portal at all."""

    cluster = models.OneToOneField(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="publication"
    )
    is_published = models.BooleanField(_("published"), default=False)
    field_groups = models.JSONField(
        _("field groups published"), default=list, blank=True, help_text=_("What of the cluster the portal shows.")
    )
    incentives = models.TextField(_("incentives (Vietnamese)"), blank=True)
    incentives_en = models.TextField(_("incentives (English)"), blank=True)
    lease_terms = models.TextField(_("lease terms (Vietnamese)"), blank=True)
    lease_terms_en = models.TextField(_("lease terms (English)"), blank=True)
    lease_price_vnd_m2_year = models.BigIntegerField(
        _("lease price (VND per m² per year)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    contact_name = models.CharField(_("contact (office or person)"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    power_capacity_kva = models.PositiveIntegerField(_("power available (kVA)"), null=True, blank=True)
    water_m3_day = models.PositiveIntegerField(_("water supply available (m³/day)"), null=True, blank=True)
    wastewater_capacity_m3_day = models.PositiveIntegerField(
        _("wastewater treatment spare capacity (m³/day)"), null=True, blank=True
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # What the public list shows of readiness, computed when published and refreshed by the
    # `portal_refresh` command (icis/portal/selectors.py `readiness_summary`): the list stays one query.
    readiness = models.JSONField(_("readiness summary"), default=dict, blank=True, editable=False)
    readiness_as_of = models.DateField(_("readiness as of"), null=True, blank=True, editable=False)

    history = history()
    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["cluster__sort_name"]
        verbose_name = _("portal publication")
        verbose_name_plural = _("portal publications")
        permissions = [("publish_cluster", _("Can publish a cluster on the investment portal"))]
        indexes = [
            # the public list: published clusters only
            models.Index(fields=["is_published"], name="portal_publication_pub_idx"),
        ]

    def __str__(self):
        return f"{self.cluster} ({'published' if self.is_published else 'not published'})"

    def shows(self, group: str) -> bool:
        return self.is_published and group in (self.field_groups or [])


class ClusterLand(models.Model):
    """The industrial land a cluster's tenant projects occupy, kept for the public list so that a cold list
    at national scale is one indexed read (not a sum over every tenant project). Derived data, not a
    record: refreshed in the same transaction as every tenant project saved or deleted (icis/portal/
    signals.py), when a cluster is published, and for every published cluster by `portal_refresh` (leases
    that start or end with the date; bulk writes that send no signal). Vacant land is the cluster's
    industrial land, read live, less `occupied_ha`. A row whose `as_of` is not today is recomputed."""

    cluster = models.OneToOneField(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, primary_key=True, related_name="portal_land"
    )
    occupied_ha = models.DecimalField(
        _("occupied industrial land (ha)"), max_digits=12, decimal_places=4, default=Decimal(0), validators=POSITIVE
    )
    as_of = models.DateField(_("as of"))

    class Meta:
        verbose_name = _("kept occupied land")
        verbose_name_plural = _("kept occupied land")
        constraints = [
            models.CheckConstraint(condition=models.Q(occupied_ha__gte=0), name="portal_clusterland_occupied_ge_0"),
        ]

    def __str__(self):
        return f"{self.cluster_id}: {self.occupied_ha} ha on {self.as_of}"


class EnquiryQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        """Officials of the cluster an enquiry is pursued in (and its infrastructure investor); enquiries
        not yet tied to a cluster reach the province-wide officials only (province_q)."""
        return models.Q(cluster__in=Cluster.objects.restrict(user, action))

    def province_q(self, codes, user, action):
        return models.Q(province_id__in=codes) | models.Q(cluster__province_id__in=codes)


class Enquiry(Versioned, TimeStamped):
    """A prospective investor's request for land: how much, for what, what it needs; the clusters the
    system proposed (with why); and its path to a lease. The enquirer's personal data is erased after
    the province's retention period (`erase_personal_data`); the figures stay for conversion counts."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area_ha = models.DecimalField(_("land wanted (ha)"), max_digits=10, decimal_places=4, validators=POSITIVE)
    wastewater_m3_day = models.DecimalField(
        _("wastewater (m³/day)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    power_kva = models.DecimalField(
        _("power needed (kVA)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    start_by = models.DateField(_("wants to start by"), null=True, blank=True)
    # Personal data (erased after the retention period).
    company = models.CharField(_("company"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    message = models.TextField(_("message"), blank=True)
    erased_on = models.DateField(_("personal data erased on"), null=True, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8, default="vi", editable=False)
    matches = models.JSONField(_("clusters proposed"), default=list, blank=True, editable=False)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("cluster pursued"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enquiries",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW, editable=False
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    tenant_project = models.OneToOneField(
        TenantProject,
        verbose_name=_("tenant project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enquiry",
        editable=False,
    )
    notes = models.TextField(_("internal notes"), blank=True)

    # The history never holds the personal data, so erasing it erases it everywhere.
    history = history(excluded_fields=["company", "contact_name", "email", "phone", "message"])
    objects = EnquiryQuerySet.as_manager()

    PERSONAL_FIELDS = ("company", "contact_name", "email", "phone", "message")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("investment enquiry")
        verbose_name_plural = _("investment enquiries")
        permissions = [
            ("transition_enquiry", _("Can move an investment enquiry along its pipeline")),
            ("close_enquiry", _("Can close an investment enquiry (lease signed or lost)")),
        ]
        indexes = [
            # the pipeline page: by status, newest first; the purge: by creation date
            models.Index(fields=["status", "created_at"], name="portal_enquiry_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(area_ha__gt=0), name="portal_enquiry_area_positive"),
        ]

    def __str__(self):
        return self.reference

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.status]


class EnquiryStatusChange(StatusChangeBase):
    """One step of an enquiry's pipeline (`icis.core.lifecycle.StatusChangeBase`)."""

    enquiry = models.ForeignKey(
        Enquiry, verbose_name=_("enquiry"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=EnquiryStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=EnquiryStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("enquiry status change")
        verbose_name_plural = _("enquiry status changes")

    def __str__(self):
        return f"{self.enquiry_id}: {super().__str__()}"


__all__ = ["ClusterLand", "Enquiry", "EnquiryStatusChange", "FieldGroup", "Publication"]
