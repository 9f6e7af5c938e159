"""The cluster registry: every industrial cluster, its expansions and its lifecycle."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation, Scope
from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.core.text import fold, search_words
from icis.documents.models import Document, Source
from icis.geo.models import Commune, LegacyCommune, LegacyDistrict, Province

from .choices import STATUS_COLOURS, ClusterKind, ClusterStatus, CommuneBasis
from .plausibility import MAX_AREA_HA, MIN_AREA_HA

AREA = {"max_digits": 10, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0"))]}


class Sector(models.Model):
    """An industry a cluster is planned for (Decree 32 Art 3 lists the encouraged ones)."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    history = history()

    class Meta:
        ordering = ["name_vi"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name_vi


class ClusterQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        reach = self.authority_q(user)
        if user.organisation_id:
            reach |= models.Q(investor_id=user.organisation_id)
        return reach

    def province_q(self, codes, user, action):
        return models.Q(province_id__in=codes)

    def authority_q(self, user):
        """The clusters a user oversees as an official (its communes, provinces and assigned clusters),
        as opposed to those it reaches as their investor."""
        scopes = Scope.objects.filter(user=user)
        in_communes = ClusterCommune.objects.filter(
            commune_id__in=scopes.exclude(commune__isnull=True).values("commune_id")
        ).values("cluster_id")
        reach = (
            models.Q(pk__in=in_communes)
            | models.Q(province_id__in=scopes.exclude(province__isnull=True).values("province_id"))
            | models.Q(pk__in=ClusterAssignment.objects.filter(user=user).values("cluster_id"))
        )
        return reach


class Cluster(Versioned, TimeStamped):
    """An industrial cluster (cụm công nghiệp): a bounded area for industry, without residents."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_ascii = models.CharField(_("name (ASCII/English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ClusterKind.choices, default=ClusterKind.GENERAL)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    legacy_district = models.ForeignKey(
        LegacyDistrict,
        verbose_name=_("legacy district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("District before 2025-07-01, as the sources name it."),
    )
    legacy_communes = models.ManyToManyField(
        LegacyCommune,
        verbose_name=_("legacy communes"),
        blank=True,
        related_name="clusters",
        help_text=_("Communes before 2025-07-01, as the sources name them."),
    )
    communes = models.ManyToManyField(
        Commune, through="ClusterCommune", verbose_name=_("communes"), blank=True, related_name="clusters"
    )
    planned_area_ha = models.DecimalField(_("planned area (ha)"), null=True, blank=True, **AREA)
    area_ha = models.DecimalField(_("area (ha)"), null=True, blank=True, **AREA)
    industrial_land_ha = models.DecimalField(_("industrial land (ha)"), null=True, blank=True, **AREA)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    investor = models.ForeignKey(
        Organisation,
        verbose_name=_("infrastructure investor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clusters",
    )
    establishment_decision = models.ForeignKey(
        Document,
        verbose_name=_("establishment decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="established_clusters",
    )
    documents = models.ManyToManyField(Document, verbose_name=_("documents"), blank=True, related_name="clusters")
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="clusters")
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ClusterStatus.choices,
        default=ClusterStatus.PLANNED,
        editable=False,
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    # Kept from the cluster's own dated status changes (icis.clusters.kept): the first to established and
    # the first to under construction, so that summaries over every cluster read a column, not the history.
    first_established_on = models.DateField(_("first established on"), null=True, blank=True, editable=False)
    first_construction_on = models.DateField(_("construction first started on"), null=True, blank=True, editable=False)
    operating_without_establishment = models.BooleanField(
        _("operating but not formally established"),
        default=False,
        help_text=_("Circular 14 indicator 15.2."),
    )
    industrial_park_name = models.CharField(
        _("industrial park it became"),
        max_length=200,
        blank=True,
        help_text=_("For a cluster converted into an industrial park: the park's name."),
    )
    needs_verification = models.BooleanField(_("needs verification"), default=False)
    verification_note = models.CharField(_("what to verify"), max_length=500, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, blank=True)
    # Vietnamese alphabetical order ignoring tones ("Đông" beside "Dong", not after "Z").
    sort_name = models.CharField(max_length=200, editable=False, blank=True, db_index=True)

    sources = GenericRelation(Source)
    # Links are facts too: who added or removed a legacy commune, a sector or a document, and when.
    history = history(
        m2m_fields=["legacy_communes", "sectors", "documents"],
        excluded_fields=["first_established_on", "first_construction_on"],  # derived from the status changes
    )
    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "code"]
        verbose_name = _("industrial cluster")
        verbose_name_plural = _("industrial clusters")
        permissions = [
            ("transition_cluster", _("Can change the lifecycle status of a cluster")),
            ("change_cluster_legal", _("Can change a cluster's legal fields (decisions, areas, location)")),
        ]
        indexes = [
            # the list page and API filter by status and sort by name
            models.Index(fields=["status", "sort_name"], name="clusters_status_name_idx"),
            # the dashboard's verification lists, in list order, without reading every cluster: those flagged
            # for verification, and those whose figures may break a size rule (a superset of
            # `plausibility.implausible`, whose query implies this condition)
            models.Index(
                fields=["sort_name", "code"],
                condition=models.Q(needs_verification=True),
                name="clusters_to_verify_idx",
            ),
            models.Index(
                fields=["sort_name", "code"],
                condition=models.Q(area_ha__gt=MAX_AREA_HA)
                | models.Q(area_ha__lt=MIN_AREA_HA)
                | models.Q(industrial_land_ha__gt=models.F("area_ha")),
                name="clusters_size_rule_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(area_ha__gte=0), name="clusters_area_not_negative"),
            models.CheckConstraint(
                condition=models.Q(industrial_land_ha__gte=0), name="clusters_industrial_land_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(status__in=ClusterStatus.values), name="clusters_status_known"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Industrial land above the area is a plausibility warning (clusters/plausibility.py), not a refusal:
        # the two figures can come from different documents, and a person decides which one is wrong.
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if self.boundary is not None:
            message = boundary_problem(self.boundary)
            if message:
                errors["boundary"] = message
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        district = self.legacy_district.name if self.legacy_district_id else ""
        self.sort_name = fold(self.name)
        self.search_text = search_words(self.code, self.code.replace("-", ""), self.name, self.name_ascii, district)
        super().save(*args, **kwargs)

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.status]


def boundary_problem(value) -> str | None:
    """What is wrong with a boundary GeoJSON, or None when it is a usable Polygon/MultiPolygon."""
    if not isinstance(value, dict):
        return _("The boundary must be a GeoJSON object.")
    geometry = value.get("geometry") if value.get("type") == "Feature" else value
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return _("The boundary must be a GeoJSON Polygon or MultiPolygon (or a Feature holding one).")
    if not isinstance(geometry.get("coordinates"), list) or not geometry["coordinates"]:
        return _("The boundary has no coordinates.")
    return None


class ClusterCommune(models.Model):
    """A commune the cluster lies in, with how we know it."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="commune_links")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="cluster_links")
    basis = models.CharField(_("basis"), max_length=12, choices=CommuneBasis.choices, default=CommuneBasis.STATED)
    is_lead = models.BooleanField(
        _("lead commune"),
        default=False,
        help_text=_("The commune that reports a cluster straddling several communes (counted once, there)."),
    )

    history = history()

    class Meta:
        ordering = ["commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "commune"], name="clusters_commune_once"),
            models.UniqueConstraint(
                fields=["cluster"], condition=models.Q(is_lead=True), name="clusters_one_lead_commune"
            ),
        ]
        verbose_name = _("cluster commune")
        verbose_name_plural = _("cluster communes")

    def __str__(self):
        return f"{self.cluster_id} in {self.commune_id} ({self.basis})"


class ClusterAssignment(models.Model):
    """A user who acts on one cluster (cluster-level scope)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="cluster_assignments"
    )
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="assignments"
    )

    history = history()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "cluster"], name="clusters_assignment_once")]
        verbose_name = _("cluster assignment")
        verbose_name_plural = _("cluster assignments")

    def __str__(self):
        return f"{self.user} → {self.cluster}"


class ExpansionQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(cluster__in=Cluster.objects.restrict(user, action))


class ClusterExpansion(Versioned, TimeStamped):
    """An enlargement of a cluster, decided and built on its own timeline."""

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="expansions")
    added_area_ha = models.DecimalField(_("added area (ha)"), **AREA)
    added_industrial_land_ha = models.DecimalField(_("added industrial land (ha)"), null=True, blank=True, **AREA)
    decision = models.ForeignKey(
        Document,
        verbose_name=_("expansion decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expansions",
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ClusterStatus.choices,
        default=ClusterStatus.PLANNED,
        editable=False,
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    sources = GenericRelation(Source)
    history = history()
    objects = ExpansionQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "created_at"]
        verbose_name = _("cluster expansion")
        verbose_name_plural = _("cluster expansions")
        constraints = [
            models.CheckConstraint(condition=models.Q(added_area_ha__gt=0), name="clusters_expansion_area_positive"),
        ]

    def __str__(self):
        return _("%(cluster)s: +%(area)s ha") % {"cluster": self.cluster.name, "area": self.added_area_ha}


class StatusChange(StatusChangeBase):
    """One step in a cluster's (or an expansion's) lifecycle, with its date, reason and document
    (the shape every lifecycle shares: `icis.core.lifecycle.StatusChangeBase`).

    `effective_on` is when the change happened in the world (a 2017 decision entered today keeps
    2017); `recorded_at` is when it was entered.
    """

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="status_changes"
    )
    expansion = models.ForeignKey(
        ClusterExpansion,
        verbose_name=_("expansion"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=30, choices=ClusterStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=ClusterStatus.choices)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # "status as of date D": latest change of the cluster itself with effective_on <= D
            models.Index(
                fields=["cluster", "effective_on", "id"],
                condition=models.Q(expansion__isnull=True),
                name="clusters_change_asof_idx",
            ),
        ]

    def __str__(self):
        return f"{self.cluster}: {self.from_status or '∅'} → {self.to_status} ({formats.date(self.effective_on)})"
