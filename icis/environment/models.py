"""Central wastewater treatment: plants (WWTP), tenant connections, effluent limits as versioned data,
monitoring samples judged against them, and the violations they open.

No effluent limit lives in code: `Regulation`, `Limit`, `Parameter` and `FactorBand` rows are
loaded from files (`load_qcvn`, data migration 0002) and every verdict names the version it used.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.documents.models import Document
from icis.tenancy.models import TenantProject

from .choices import (
    PLANT_STATUS_COLOURS,
    VIOLATION_COLOURS,
    ConnectionKind,
    Factor,
    PlantStatus,
    Qualifier,
    ReceivingClass,
    SampleOrigin,
    SamplePoint,
    ViolationKind,
    ViolationStatus,
    WaterBodyKind,
)

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]
# Concentrations from µg/l to coliform counts in the millions, six decimals.
MEASURE = {"max_digits": 18, "decimal_places": 6}
FLOW = {"max_digits": 14, "decimal_places": 3, "validators": NOT_NEGATIVE}
FACTOR = {
    "max_digits": 4,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("9.99"))],
}
FREQUENCIES = (1, 2, 3, 4, 6, 12)


class ReferenceQuerySet(ScopedQuerySet):
    """Regulations and the parameter catalogue are public reference data: every signed-in user reads them."""

    def scope_q(self, user, action):
        return models.Q()


# --- Regulations as data ------------------------------------------------------------------------------


class Regulation(TimeStamped):
    """One version of a national technical regulation on effluent (e.g. QCVN 40:2011/BTNMT).

    A sample is judged against the version in force on its date: effective_from ≤ date ≤ effective_to,
    the latest such version winning. A plant commissioned before a version took effect may keep the
    previous one until `existing_plants_from` (a transition period).
    """

    code = models.CharField(_("code"), max_length=64, unique=True, help_text=_("e.g. QCVN 40:2011/BTNMT"))
    title = models.CharField(_("title (Vietnamese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    existing_plants_from = models.DateField(
        _("applies to existing plants from"),
        null=True,
        blank=True,
        help_text=_("For plants commissioned before it took effect. Blank: the same date as for new plants."),
    )
    columns = models.JSONField(
        _("columns"), default=dict, blank=True, help_text=_("Column code → what receiving water it is for.")
    )
    formula = models.CharField(_("formula"), max_length=200, blank=True)
    source = models.TextField(_("source"), blank=True, help_text=_("The legal text and where the table was read."))
    notes = models.TextField(_("notes"), blank=True)
    gaps = models.JSONField(
        _("cells not loaded"),
        default=list,
        blank=True,
        help_text=_("Cells of the table whose value could not be sourced: [{parameter, column, notes}]."),
    )
    loaded_from = models.CharField(_("loaded from file"), max_length=255, blank=True, editable=False)
    loaded_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True, editable=False)

    history = history()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from", "code"]
        verbose_name = _("effluent regulation")
        verbose_name_plural = _("effluent regulations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=models.F("effective_from")),
                name="environment_regulation_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.code


class Parameter(models.Model):
    """A measured quantity (COD, pH, coliform…) with its canonical unit and the units accepted for it."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    unit = models.CharField(_("canonical unit"), max_length=32, blank=True)
    unit_aliases = models.JSONField(
        _("accepted units"),
        default=dict,
        blank=True,
        help_text=_('Unit → factor to the canonical unit, e.g. {"µg/l": 0.001} when the canonical unit is mg/l.'),
    )
    code_aliases = models.JSONField(_("other codes"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("monitoring parameter")
        verbose_name_plural = _("monitoring parameters")

    def __str__(self):
        return f"{self.code} ({self.unit})" if self.unit else self.code


class Limit(models.Model):
    """One cell of a regulation's table: the value C (or a range) for a parameter in a column.

    `multiplied`: Cmax = C × Kq × Kf; otherwise Cmax = C. Ranges (pH 6–9) are never multiplied.
    QCVN 40:2025 is reported to set limits by discharge-flow band: `flow_above`/`flow_up_to`.
    """

    regulation = models.ForeignKey(
        Regulation, verbose_name=_("regulation"), on_delete=models.CASCADE, related_name="limits"
    )
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, related_name="limits"
    )
    column = models.CharField(_("column"), max_length=1, choices=ReceivingClass.choices)
    value = models.DecimalField(_("value C (maximum)"), null=True, blank=True, **MEASURE)
    min_value = models.DecimalField(_("minimum"), null=True, blank=True, **MEASURE)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    multiplied = models.BooleanField(_("multiplied by Kq × Kf"), default=True)
    flow_above = models.DecimalField(
        _("discharge flow above (m³/day)"), default=Decimal("0"), help_text=_("0: from the smallest flow."), **FLOW
    )
    flow_up_to = models.DecimalField(_("discharge flow up to (m³/day)"), null=True, blank=True, **FLOW)
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["regulation", "parameter__position", "column", "flow_above"]
        verbose_name = _("effluent limit")
        verbose_name_plural = _("effluent limits")
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "parameter", "column", "flow_above"], name="environment_limit_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False) | models.Q(min_value__isnull=False),
                name="environment_limit_has_a_bound",
            ),
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True) | models.Q(multiplied=False),
                name="environment_limit_range_not_multiplied",
            ),
        ]

    def __str__(self):
        return f"{self.regulation.code} {self.parameter.code} {self.column}"

    @property
    def is_range(self) -> bool:
        return self.min_value is not None


class FactorBand(models.Model):
    """A band of the Kq or Kf table, as data: the factor proposed for a measure within (above, up_to].

    Kf by discharge flow (m³/day); Kq by the receiving river's flow (m³/s) or the lake's volume
    (10⁶ m³), or a fixed value for coastal water. `when_unknown`: the value used without a measure.
    """

    regulation = models.ForeignKey(
        Regulation, verbose_name=_("regulation"), on_delete=models.CASCADE, related_name="factor_bands"
    )
    factor = models.CharField(_("factor"), max_length=2, choices=Factor.choices)
    water_body_kind = models.CharField(
        _("receiving water kind"), max_length=20, choices=WaterBodyKind.choices, blank=True
    )
    above = models.DecimalField(_("above"), null=True, blank=True, max_digits=14, decimal_places=3)
    up_to = models.DecimalField(_("up to"), null=True, blank=True, max_digits=14, decimal_places=3)
    when_unknown = models.BooleanField(_("applies when no measure is known"), default=False)
    value = models.DecimalField(_("value"), **FACTOR)
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        # a band with no lower bound first, as the table reads, on every database (PostgreSQL sorts NULLs last)
        ordering = ["regulation", "factor", "water_body_kind", "when_unknown", models.F("above").asc(nulls_first=True)]
        verbose_name = _("Kq/Kf band")
        verbose_name_plural = _("Kq/Kf bands")

    def __str__(self):
        return f"{self.regulation_id} {self.factor} {self.water_body_kind} ({self.above}, {self.up_to}] = {self.value}"


# --- Plants -------------------------------------------------------------------------------------------


class PlantQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        """A plant is reached through any cluster it serves, or by its operator's users."""
        clusters = Cluster.objects.restrict(user, action)
        reach = models.Q(pk__in=PlantCluster.objects.filter(cluster__in=clusters).values("plant_id"))
        if user.organisation_id:
            reach |= models.Q(operator_id=user.organisation_id)
        return reach

    def province_q(self, codes, user, action):
        """Plants serving the provinces' clusters, and plants serving no cluster yet."""
        return self.scope_q(user, action) | ~models.Q(pk__in=PlantCluster.objects.values("plant_id"))


class WastewaterPlant(Versioned, TimeStamped):
    """A central wastewater treatment plant (trạm xử lý nước thải tập trung) serving one or more clusters."""

    name = models.CharField(_("name"), max_length=200)
    clusters = models.ManyToManyField(
        Cluster, through="PlantCluster", verbose_name=_("clusters served"), related_name="wastewater_plants"
    )
    capacity_m3_day = models.DecimalField(_("design capacity (m³/day)"), **FLOW)
    technology = models.CharField(_("treatment technology"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlantStatus.choices, default=PlantStatus.PLANNED, editable=False
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    permit = models.ForeignKey(
        Document,
        verbose_name=_("environmental permit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wastewater_plants",
    )
    permit_valid_from = models.DateField(_("permit valid from"), null=True, blank=True)
    permit_valid_to = models.DateField(_("permit valid until"), null=True, blank=True)
    receiving_water_body = models.CharField(_("receiving water body"), max_length=200, blank=True)
    receiving_class = models.CharField(
        _("receiving water class (column)"),
        max_length=1,
        choices=ReceivingClass.choices,
        help_text=_("The column of the regulation the effluent is judged against."),
    )
    receiving_body_kind = models.CharField(
        _("receiving water kind"), max_length=20, choices=WaterBodyKind.choices, blank=True
    )
    receiving_flow_m3_s = models.DecimalField(
        _("receiving river flow (m³/s)"),
        null=True,
        blank=True,
        max_digits=12,
        decimal_places=3,
        validators=NOT_NEGATIVE,
    )
    receiving_volume_million_m3 = models.DecimalField(
        _("receiving lake volume (10⁶ m³)"),
        null=True,
        blank=True,
        max_digits=12,
        decimal_places=3,
        validators=NOT_NEGATIVE,
    )
    discharge_flow_m3_day = models.DecimalField(_("discharge flow (m³/day)"), null=True, blank=True, **FLOW)
    kq = models.DecimalField(_("Kq"), null=True, blank=True, help_text=_("Receiving-water factor."), **FACTOR)
    kf = models.DecimalField(_("Kf"), null=True, blank=True, help_text=_("Discharge-flow factor."), **FACTOR)
    factors_basis = models.CharField(
        _("basis of Kq and Kf"), max_length=500, blank=True, help_text=_("e.g. the permit that states them.")
    )
    continuous_monitoring = models.BooleanField(_("automatic continuous monitoring"), default=False)
    continuous_connected = models.BooleanField(_("transmitted to the environment agency"), default=False)
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wastewater_plants",
    )
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = PlantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("wastewater treatment plant")
        verbose_name_plural = _("wastewater treatment plants")
        permissions = [("transition_wastewaterplant", _("Can change the status of a wastewater treatment plant"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity_m3_day__gte=0), name="environment_plant_capacity"),
            models.CheckConstraint(
                condition=models.Q(status__in=PlantStatus.values), name="environment_plant_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(receiving_class__in=ReceivingClass.values), name="environment_plant_class_known"
            ),
            models.CheckConstraint(
                condition=models.Q(continuous_connected=False) | models.Q(continuous_monitoring=True),
                name="environment_plant_connected_needs_station",
            ),
            models.CheckConstraint(
                condition=models.Q(permit_valid_to__isnull=True)
                | models.Q(permit_valid_from__isnull=True)
                | models.Q(permit_valid_to__gt=models.F("permit_valid_from")),
                name="environment_plant_permit_dates",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.permit_valid_from and self.permit_valid_to and self.permit_valid_to <= self.permit_valid_from:
            errors["permit_valid_to"] = _("The permit must end after it starts.")
        if self.continuous_connected and not self.continuous_monitoring:
            errors["continuous_connected"] = _("Only a plant with a continuous monitoring station can transmit.")
        if errors:
            raise ValidationError(errors)

    @property
    def status_colour(self) -> str:
        return PLANT_STATUS_COLOURS[self.status]

    @property
    def judged_flow(self):
        """The discharge flow that selects Kf bands and flow-banded limits: measured, else design capacity."""
        return self.discharge_flow_m3_day if self.discharge_flow_m3_day is not None else self.capacity_m3_day


class PlantCluster(models.Model):
    """A cluster a plant serves."""

    plant = models.ForeignKey(WastewaterPlant, on_delete=models.CASCADE, related_name="cluster_links")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="wastewater_links")

    history = history()

    class Meta:
        ordering = ["plant", "cluster__sort_name"]
        verbose_name = _("cluster served")
        verbose_name_plural = _("clusters served")
        constraints = [models.UniqueConstraint(fields=["plant", "cluster"], name="environment_plant_cluster_once")]

    def __str__(self):
        return f"{self.plant_id} → {self.cluster_id}"


class PlantPhase(models.Model):
    """A construction phase of a plant with its own capacity (e.g. phase 1: 1,000 m³/day)."""

    plant = models.ForeignKey(WastewaterPlant, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    capacity_m3_day = models.DecimalField(_("capacity (m³/day)"), **FLOW)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    history = history()

    class Meta:
        ordering = ["plant", "number"]
        verbose_name = _("plant phase")
        verbose_name_plural = _("plant phases")
        constraints = [models.UniqueConstraint(fields=["plant", "number"], name="environment_phase_once")]

    def __str__(self):
        return f"{self.plant_id} #{self.number}: {self.capacity_m3_day} m³/day"


class PlantStatusChange(StatusChangeBase):
    """One step of a plant's lifecycle with its real date (what "as of date D" indicators read); the
    shape every lifecycle shares (`icis.core.lifecycle.StatusChangeBase`)."""

    plant = models.ForeignKey(WastewaterPlant, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=PlantStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PlantStatus.choices)
    effective_on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("plant status change")
        verbose_name_plural = _("plant status changes")
        indexes = [
            # "plant status as of date D": latest change with effective_on <= D
            models.Index(fields=["plant", "effective_on", "id"], name="environment_plant_asof_idx"),
        ]

    def __str__(self):
        return f"{self.plant_id}: {self.from_status or '∅'} → {self.to_status} ({formats.date(self.effective_on)})"


# --- Tenant connections -------------------------------------------------------------------------------


class ConnectionQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(tenant_project__in=TenantProject.objects.restrict(user, action))


class TenantConnection(Versioned, TimeStamped):
    """How a tenant project's wastewater is treated: connected to a central plant, or its own treatment."""

    tenant_project = models.ForeignKey(
        TenantProject,
        verbose_name=_("tenant project"),
        on_delete=models.PROTECT,
        related_name="wastewater_connections",
    )
    kind = models.CharField(_("treatment"), max_length=16, choices=ConnectionKind.choices)
    plant = models.ForeignKey(
        WastewaterPlant,
        verbose_name=_("central plant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="connections",
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    volume_m3_day = models.DecimalField(_("wastewater volume (m³/day)"), null=True, blank=True, **FLOW)
    own_permit = models.ForeignKey(
        Document,
        verbose_name=_("own environmental permit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    own_permit_valid_to = models.DateField(_("own permit valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["tenant_project", "-since", "id"]
        verbose_name = _("tenant wastewater connection")
        verbose_name_plural = _("tenant wastewater connections")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind=ConnectionKind.CONNECTED) & models.Q(plant__isnull=False))
                | (models.Q(kind=ConnectionKind.OWN_TREATMENT) & models.Q(plant__isnull=True)),
                name="environment_connection_plant_iff_connected",
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gt=models.F("since")),
                name="environment_connection_ends_after_start",
            ),
            # one current arrangement per tenant project
            models.UniqueConstraint(
                fields=["tenant_project"], condition=models.Q(until__isnull=True), name="environment_connection_current"
            ),
        ]

    def __str__(self):
        return f"{self.tenant_project_id}: {self.kind} ({formats.date(self.since)})"


# --- Monitoring ---------------------------------------------------------------------------------------


class PlantChildQuerySet(ScopedQuerySet):
    """Samples, values, requirements and violations are reached through their plant."""

    plant_path = "plant"

    def scope_q(self, user, action):
        return models.Q(**{f"{self.plant_path}__in": WastewaterPlant.objects.restrict(user, action)})


class SampleValueQuerySet(PlantChildQuerySet):
    plant_path = "sample__plant"


class MonitoringRequirement(Versioned, TimeStamped):
    """A periodic monitoring report the plant owes: one outlet sample every `frequency_months`,
    calendar-aligned (3 = each quarter), recorded by `grace_days` after the period ends."""

    plant = models.ForeignKey(
        WastewaterPlant, verbose_name=_("plant"), on_delete=models.CASCADE, related_name="requirements"
    )
    frequency_months = models.PositiveSmallIntegerField(
        _("every (months)"), choices=[(n, str(n)) for n in FREQUENCIES], default=3
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days allowed after the period"), default=30, validators=[MaxValueValidator(366)]
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    basis = models.ForeignKey(
        Document, verbose_name=_("basis (permit, decision)"), on_delete=models.PROTECT, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    history = history()
    objects = PlantChildQuerySet.as_manager()

    class Meta:
        ordering = ["plant", "starts_on", "id"]
        verbose_name = _("monitoring requirement")
        verbose_name_plural = _("monitoring requirements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency_months__in=FREQUENCIES), name="environment_requirement_frequency"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=models.F("starts_on")),
                name="environment_requirement_dates",
            ),
        ]

    def __str__(self):
        return _("%(plant)s: every %(n)s months") % {"plant": self.plant, "n": self.frequency_months}


class Sample(TimeStamped):
    """A monitoring result set: one sampling at one point on one day (a lab report, or a daily value of
    the continuous station)."""

    plant = models.ForeignKey(
        WastewaterPlant, verbose_name=_("plant"), on_delete=models.PROTECT, related_name="samples"
    )
    sampled_on = models.DateField(_("sampled on"))
    point = models.CharField(_("point"), max_length=8, choices=SamplePoint.choices, default=SamplePoint.OUTLET)
    origin = models.CharField(_("origin"), max_length=12, choices=SampleOrigin.choices, default=SampleOrigin.PERIODIC)
    lab = models.CharField(_("laboratory"), max_length=200, blank=True)
    document = models.ForeignKey(
        Document, verbose_name=_("result document"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    # Results for parameters the catalogue does not list: kept as reported, shown as not judged.
    other_values = models.JSONField(
        _("values not judged"),
        default=list,
        blank=True,
        help_text=_("Parameters the regulation has no limit for: [{parameter, value, qualifier, unit}] as reported."),
    )

    history = history()
    objects = PlantChildQuerySet.as_manager()

    class Meta:
        ordering = ["-sampled_on", "-id"]
        verbose_name = _("monitoring sample")
        verbose_name_plural = _("monitoring samples")
        indexes = [
            # the latest outlet sample of a plant on or before a date (indicators, board): the id last, as the
            # queries break ties by it, so the first row of a backward scan is the answer (no sort a plant)
            models.Index(fields=["plant", "point", "origin", "sampled_on", "id"], name="environment_sample_latest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plant", "sampled_on", "point"],
                condition=models.Q(origin=SampleOrigin.CONTINUOUS),
                name="environment_one_daily_value_set",
            ),
        ]

    def __str__(self):
        return f"{self.plant} {self.get_point_display()} {formats.date(self.sampled_on)}"


class SampleValue(models.Model):
    """One parameter's result as the laboratory reported it (value and unit, or "< detection limit")."""

    sample = models.ForeignKey(Sample, verbose_name=_("sample"), on_delete=models.CASCADE, related_name="values")
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, related_name="sample_values"
    )
    value = models.DecimalField(_("value"), null=True, blank=True, **MEASURE)
    unit = models.CharField(_("unit as reported"), max_length=32, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=1, choices=Qualifier.choices, blank=True, default="")
    detection_limit = models.DecimalField(_("detection limit"), null=True, blank=True, **MEASURE)

    history = history()
    objects = SampleValueQuerySet.as_manager()

    class Meta:
        ordering = ["sample", "parameter__position", "parameter__code"]
        verbose_name = _("sample value")
        verbose_name_plural = _("sample values")
        constraints = [
            models.UniqueConstraint(fields=["sample", "parameter"], name="environment_value_once"),
            models.CheckConstraint(
                condition=(models.Q(qualifier="") & models.Q(value__isnull=False))
                | (models.Q(qualifier="<") & models.Q(detection_limit__isnull=False)),
                name="environment_value_or_detection_limit",
            ),
        ]

    def __str__(self):
        shown = f"<{self.detection_limit}" if self.qualifier == "<" else f"{self.value}"
        return f"{self.parameter.code} {shown} {self.unit}"


class Violation(Versioned, TimeStamped):
    """An exceedance of an effluent limit at the outlet, or a periodic monitoring report not received."""

    plant = models.ForeignKey(
        WastewaterPlant, verbose_name=_("plant"), on_delete=models.PROTECT, related_name="violations"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ViolationKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ViolationStatus.choices, default=ViolationStatus.OPEN, editable=False
    )
    parameter = models.ForeignKey(
        Parameter, verbose_name=_("parameter"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sample = models.ForeignKey(
        Sample, verbose_name=_("sample"), on_delete=models.PROTECT, null=True, blank=True, related_name="violations"
    )
    requirement = models.ForeignKey(
        MonitoringRequirement,
        verbose_name=_("monitoring requirement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period until"), null=True, blank=True)
    measured = models.DecimalField(_("measured"), null=True, blank=True, **MEASURE)
    limit = models.DecimalField(_("limit (Cmax)"), null=True, blank=True, **MEASURE)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    regulation = models.ForeignKey(
        Regulation, verbose_name=_("regulation"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("description"))
    factors_assumed = models.BooleanField(
        _("factors not set"),
        default=False,
        help_text=_("Kq or Kf was not recorded: the limit used the strictest factors the regulation allows."),
    )
    detected_on = models.DateField(_("detected on"))
    deadline = models.DateField(_("deadline"))
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    resolution = models.TextField(_("resolution"), blank=True)

    history = history()
    objects = PlantChildQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("environmental violation")
        verbose_name_plural = _("environmental violations")
        indexes = [
            # the board: open violations by deadline
            models.Index(fields=["status", "deadline"], name="environment_violation_open_idx"),
            # the violations register's pages (inspections.selectors.Register), merged in this order with
            # the inspection findings
            models.Index(fields=["deadline", "id"], name="environment_violation_page_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "parameter"],
                condition=models.Q(kind=ViolationKind.EXCEEDANCE),
                name="environment_one_exceedance_per_value",
            ),
            models.UniqueConstraint(
                fields=["requirement", "period_start"],
                condition=models.Q(kind=ViolationKind.REPORT_MISSING),
                name="environment_one_missing_report_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("detected_on")), name="environment_deadline"
            ),
        ]

    def __str__(self):
        return f"{self.plant}: {self.get_kind_display()} ({formats.date(self.detected_on)})"

    @property
    def status_colour(self) -> str:
        return VIOLATION_COLOURS[self.status]


class ViolationStatusChange(StatusChangeBase):
    """One step of a violation's lifecycle (opened, corrected, closed, reopened) with its date:
    `choices.VIOLATION_LIFECYCLE`, `icis.core.lifecycle`."""

    violation = models.ForeignKey(
        Violation, verbose_name=_("violation"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=ViolationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ViolationStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("violation status change")
        verbose_name_plural = _("violation status changes")


# --- Kept verdicts (derived data, no history) ---------------------------------------------------------


class CatalogueVersion(models.Model):
    """A number raised by every save or delete of a regulation, limit, parameter or factor band
    (`icis.environment.kept`), in the write's own transaction: a kept verdict judged with an older
    catalogue is not used. One row, made by the first change (none: 0)."""

    number = models.PositiveBigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("effluent catalogue version")
        verbose_name_plural = _("effluent catalogue versions")

    def __str__(self):
        return str(self.number)


class SampleVerdict(models.Model):
    """A sample's overall verdict (`compliance.Judgement.outcome`) kept so that the environment summary,
    the board and the plant list read one column instead of judging each plant's latest sample in Python.
    Derived data, not a record (no history): `icis.environment.kept` marks the row stale in the same
    transaction as every save or delete of the sample, its values or its plant, and a changed catalogue
    raises `CatalogueVersion`; a reader recomputes a stale row, or one judged with another catalogue version,
    before it uses it. Nothing is served stale."""

    sample = models.OneToOneField(
        Sample, verbose_name=_("sample"), on_delete=models.CASCADE, primary_key=True, related_name="kept_verdict"
    )
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    stale = models.BooleanField(_("stale"), default=True)
    catalogue_version = models.PositiveBigIntegerField(_("catalogue version"), default=0)

    class Meta:
        verbose_name = _("kept sample verdict")
        verbose_name_plural = _("kept sample verdicts")

    def __str__(self):
        return f"{self.sample_id}: {self.outcome or '—'}"
