"""Tenants (secondary investors), their projects in clusters, and the Circular 14 submissions."""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.lifecycle import Machine, StatusChangeBase
from icis.core.models import TimeStamped
from icis.core.scoping import LINK, ScopedQuerySet
from icis.core.text import search_words
from icis.core.validators import TAX_CODE

from .choices import ProjectStatus, ReportForm, SubmissionStatus

VSIC = RegexValidator(
    r"^[A-U]?\d{2,5}$",
    _("A VSIC code is a section letter A–U (optional) and 2 to 5 digits, e.g. C2599."),
    code="vsic",
)
COUNTRY = RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO country code, e.g. VN, KR, JP."), code="country")
HECTARES = {"max_digits": 10, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0"))]}


class TenantQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        """A firm's record is read and changed by its own users (and city-wide by DoIT). The officials
        over a cluster read the records of the firms leasing in it. Linking a lease never widens
        anything: an investor names a firm by tax code (`LINK`: those already leasing in its clusters
        are offered by id) and sees of it only what the project shows, its name and tax code."""
        own = models.Q(organisation_id=user.organisation_id) if user.organisation_id else models.Q(pk__in=[])
        if action == LINK:
            return own | models.Q(pk__in=TenantProject.objects.restrict(user, action).values("tenant_id"))
        if action != "view":
            return own
        overseen = Cluster.objects.filter(Cluster.objects.authority_q(user))
        return own | models.Q(pk__in=TenantProject.objects.filter(cluster__in=overseen).values("tenant_id"))

    def province_q(self, codes, user, action):
        """Firms leasing in the provinces, and firms not (yet) leasing anywhere; not a firm that
        leases only in other provinces."""
        projects = TenantProject.objects.values("tenant_id")
        here = projects.filter(cluster__province_id__in=codes)
        own = models.Q(organisation_id=user.organisation_id) if user.organisation_id else models.Q(pk__in=[])
        return own | models.Q(pk__in=here) | ~models.Q(pk__in=projects)


class Tenant(Versioned, TimeStamped):
    """A secondary investor: a firm that leases land in one or more clusters."""

    name = models.CharField(_("name"), max_length=255)
    tax_code = models.CharField(_("tax code (MST)"), max_length=14, unique=True, validators=[TAX_CODE])
    is_fdi = models.BooleanField(_("foreign-invested (FDI)"), default=False)
    country = models.CharField(_("country"), max_length=2, default="VN", validators=[COUNTRY])
    sector = models.CharField(_("sector (VSIC code)"), max_length=6, blank=True, validators=[VSIC])
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation (for its users)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenant",
    )
    search_text = models.TextField(editable=False, blank=True)

    history = history()
    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")

    def __str__(self):
        return f"{self.name} ({self.tax_code})"

    def save(self, *args, **kwargs):
        self.search_text = search_words(self.name, self.tax_code)
        super().save(*args, **kwargs)


class TenantProjectQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        reach = models.Q(cluster__in=Cluster.objects.restrict(user, action))
        if user.organisation_id:
            reach |= models.Q(tenant__organisation_id=user.organisation_id)
        return reach


class TenantProject(Versioned, TimeStamped):
    """A tenant's project in a cluster: the industrial land it leases or holds an approval for."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="tenant_projects"
    )
    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("project name"), max_length=255, blank=True)
    land_ha = models.DecimalField(_("industrial land (ha)"), **HECTARES)
    approval_number = models.CharField(_("approval / certificate number"), max_length=64, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    lease_start = models.DateField(_("lease start"), null=True, blank=True)
    lease_end = models.DateField(_("lease end"), null=True, blank=True)
    # Changed only through `services.project_transition` (icis.core.lifecycle), with its history.
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.REGISTERED
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    ended_on = models.DateField(
        _("left on"), null=True, blank=True, help_text=_("When the tenant left or the lease was ended early.")
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    is_illustrative = models.BooleanField(_("illustrative (not real data)"), default=False, editable=False)

    history = history()
    objects = TenantProjectQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "tenant__name", "id"]
        verbose_name = _("tenant project")
        verbose_name_plural = _("tenant projects")
        indexes = [
            # occupancy of one cluster as of a date
            models.Index(fields=["cluster", "lease_start"], name="tenancy_project_cluster_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(land_ha__gt=0), name="tenancy_project_land_positive"),
            models.CheckConstraint(
                condition=models.Q(lease_end__isnull=True)
                | models.Q(lease_start__isnull=True)
                | models.Q(lease_end__gt=models.F("lease_start")),
                name="tenancy_project_lease_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.tenant.name} — {self.cluster.name} ({self.land_ha} ha)"

    @property
    def tenant_tax_code(self) -> str:
        return self.tenant.tax_code

    def clean(self):
        errors = {}
        if self.lease_start and self.lease_end and self.lease_end <= self.lease_start:
            errors["lease_end"] = _("The lease must end after it starts.")
        if not (self.lease_start or self.approval_date):
            errors["lease_start"] = _(
                "Give the lease start or the approval date: occupancy counts land from one of them."
            )
        if self.status == ProjectStatus.LEFT and not self.ended_on:
            errors["ended_on"] = _("Say when the tenant left.")
        if errors:
            raise ValidationError(errors)

    @property
    def counts_from(self):
        """The day the land starts counting as occupied: the lease or the approval, whichever is first."""
        dates = [d for d in (self.lease_start, self.approval_date) if d]
        return min(dates) if dates else None


class ProjectStatusChange(StatusChangeBase):
    """One step of a tenant project's lifecycle (`icis.core.lifecycle.StatusChangeBase`)."""

    project = models.ForeignKey(
        TenantProject, verbose_name=_("tenant project"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=ProjectStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("tenant project status change")
        verbose_name_plural = _("tenant project status changes")

    def __str__(self):
        return f"{self.project_id}: {super().__str__()}"


class LandClearance(TimeStamped):
    """How much of a cluster's industrial land had been cleared by a date (some provinces report
    occupancy over cleared land while clearance is incomplete)."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="land_clearances"
    )
    as_of = models.DateField(_("as of"))
    cleared_industrial_land_ha = models.DecimalField(_("cleared industrial land (ha)"), **HECTARES)
    source = models.ForeignKey(
        "documents.Document", verbose_name=_("source document"), on_delete=models.PROTECT, null=True, blank=True
    )

    history = history()

    class Meta:
        ordering = ["cluster", "-as_of"]
        verbose_name = _("land clearance figure")
        verbose_name_plural = _("land clearance figures")

    def __str__(self):
        return f"{self.cluster}: {self.cleared_industrial_land_ha} ha ({formats.date(self.as_of)})"


class TenancyState(models.Model):
    """A cluster's tenancy figures as they stand, kept for the dashboard and the occupancy tables so that a
    national read joins one row a cluster instead of summing 60,000 tenant projects. Derived data, not a
    record (no history): `icis.tenancy.kept` marks a cluster's row stale in the same transaction as every
    save or delete of its tenant projects and periodic reports (signals, so every path is covered), and
    a read recomputes the stale rows, and any row whose figures are not those of the day or period asked
    for, before it uses them; nothing is served stale.

    - `occupied_ha`: the land occupied (Decree 32 Art 2.7, `kept.occupying_on`) on every day from
      `occupied_from` to the day before `occupied_until` (None: no project's land starts or stops counting
      after `occupied_from`); `occupied_from` None: stale.
    - `form01_missing`: the tenant projects that owe Form 01 for `form01_period` and have not sent it
      (`selectors.overdue`); `form01_period` blank: stale.
    """

    cluster = models.OneToOneField(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, primary_key=True, related_name="tenancy_state"
    )
    occupied_ha = models.DecimalField(
        _("occupied industrial land (ha)"), max_digits=14, decimal_places=4, default=Decimal(0)
    )
    occupied_from = models.DateField(_("occupied land holds from"), null=True, blank=True)
    occupied_until = models.DateField(_("occupied land holds until (excluded)"), null=True, blank=True)
    form01_period = models.CharField(_("Form 01 period"), max_length=7, blank=True)
    form01_missing = models.PositiveIntegerField(_("Form 01 reports not sent"), default=0)

    class Meta:
        verbose_name = _("kept tenancy figures")
        verbose_name_plural = _("kept tenancy figures")
        constraints = [
            models.CheckConstraint(condition=models.Q(occupied_ha__gte=0), name="tenancy_state_occupied_ge_0"),
        ]

    def __str__(self):
        return f"{self.cluster_id}: {self.occupied_ha} ha from {self.occupied_from}"


class SubmissionQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        """Form 02 with the cluster; Form 01 with its tenant, and with the authorities over the
        cluster, but not with the cluster's investor (the tenants report to the commune, not to it)."""
        clusters = Cluster.objects.restrict(user, action)
        reach = models.Q(form=ReportForm.FORM_02, cluster__in=clusters)
        if user.organisation_id:
            reach |= models.Q(form=ReportForm.FORM_01, tenant_project__tenant__organisation_id=user.organisation_id)
            clusters = clusters.exclude(investor_id=user.organisation_id)
        return reach | models.Q(form=ReportForm.FORM_01, cluster__in=clusters)


# Submission column → the Form 01 figure it keeps (Forms 03 and 04 items 23–25 add them up)
KEPT_FIGURES = {
    "kept_revenue_bn_vnd": "revenue_bn_vnd",
    "kept_budget_paid_bn_vnd": "budget_paid_bn_vnd",
    "kept_employees": "employees",
}
TEN_PLACES = Decimal("1e-10")
KEPT_DIGITS = Context(prec=30)  # the columns' max_digits: 20 before the point, 10 after


def _kept_number(value) -> Decimal | None:
    """A figure as its column keeps it: the number the JSON holds, to 10 decimals (as the database's cast of
    its text reads it); None when left out, not a number, or too large for the column (10^20 and up, which
    `clean_figures` refuses long before: in the default 28-digit context the quantize itself failed)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number.adjusted() >= 20:
        return None
    return number.quantize(TEN_PLACES, ROUND_HALF_UP, KEPT_DIGITS)


class Submission(Versioned, TimeStamped):
    """A Circular 14 periodic report: Form 01 from a tenant project or Form 02 from an investor."""

    form = models.CharField(_("form"), max_length=2, choices=ReportForm.choices)
    period = models.CharField(_("period"), max_length=7, help_text=_("e.g. 2026-H1 or 2026-Y"))
    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="submissions"
    )
    tenant_project = models.ForeignKey(
        TenantProject,
        verbose_name=_("tenant project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT, editable=False
    )
    data = models.JSONField(_("figures"), default=dict, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # A Form 01's three figures that Form 04 adds up, kept as numbers beside `data` on every save
    # (`keep_figures`): summing them is a column sum, not a decode of every report's JSON (issue 16).
    # Derived, so not in the history (`data` is) and never in a form or the API.
    kept_revenue_bn_vnd = models.DecimalField(
        _("Form 01 revenue (billion VND), kept"), max_digits=30, decimal_places=10, null=True, editable=False
    )
    kept_budget_paid_bn_vnd = models.DecimalField(
        _("Form 01 budget paid (billion VND), kept"), max_digits=30, decimal_places=10, null=True, editable=False
    )
    kept_employees = models.DecimalField(
        _("Form 01 employees, kept"), max_digits=30, decimal_places=10, null=True, editable=False
    )

    history = history(excluded_fields=KEPT_FIGURES)
    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "form", "cluster", "id"]
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        permissions = [("review_submission", _("Can accept or return periodic reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "period", "tenant_project"],
                condition=models.Q(form="01"),
                name="tenancy_one_form01_per_project_period",
            ),
            models.UniqueConstraint(
                fields=["form", "period", "cluster"],
                condition=models.Q(form="02"),
                name="tenancy_one_form02_per_cluster_period",
            ),
            models.CheckConstraint(
                condition=(models.Q(form="01") & models.Q(tenant_project__isnull=False))
                | (models.Q(form="02") & models.Q(tenant_project__isnull=True)),
                name="tenancy_form01_has_project",
            ),
        ]

    def __str__(self):
        subject = self.tenant_project.tenant.name if self.tenant_project_id else self.cluster.name
        return f"{self.get_form_display()} {self.period}: {subject}"

    def keep_figures(self) -> None:
        """Copy Form 01's summed figures out of `data` into their columns (None where the report leaves one
        out); a Form 02 keeps none. The bulk writers that skip `save` call this themselves. Every writer
        stores clean numbers (`report_forms.clean_figures`); anything else is kept as left out (None), so a
        save never fails on it."""
        figures = self.data if self.form == ReportForm.FORM_01 and isinstance(self.data, dict) else {}
        for column, key in KEPT_FIGURES.items():
            setattr(self, column, _kept_number(figures.get(key)))

    def save(self, *args, **kwargs):
        self.keep_figures()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "data" in update_fields:
            kwargs["update_fields"] = {*update_fields, *KEPT_FIGURES}
        super().save(*args, **kwargs)


@receiver(pre_save, sender=Submission, dispatch_uid="tenancy-submission-kept-figures")
def _keep_loaded_figures(sender, instance, raw=False, **kwargs):
    """loaddata writes through `Model.save_base`, past `Submission.save`: the kept figures follow `data` there too."""
    if raw:
        instance.keep_figures()


class SubmissionStatusChange(StatusChangeBase):
    """One step of a Circular 14 report's workflow (draft, submitted, returned, accepted):
    `icis.core.lifecycle`."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("report"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=SubmissionStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=SubmissionStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("report status change")
        verbose_name_plural = _("report status changes")


class TenantImportQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(created_by=user)

    def province_q(self, codes, user, action):
        return models.Q(cluster__province_id__in=codes)


class TenantImport(TimeStamped):
    """An uploaded tenant list on its way into the registry: checked by a dry run through the real
    services (rolled back), previewed, then imported all or nothing (`imports.py`)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Errors found")
        VALID = "valid", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    file_kind = models.CharField(_("file type"), max_length=4)
    # The upload itself (at most ICIS_IMPORT_MAX_BYTES), kept in the database rather than under
    # MEDIA_ROOT so that it is never served and the import reads exactly what was checked.
    content = models.BinaryField(_("file"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    language = models.CharField(_("language of the messages"), max_length=8, default="vi")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("rows without errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    preview = models.JSONField(_("preview rows"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # The latest check or import run; its progress and heartbeat live on the job (icis/core/jobs.py).
    job = models.ForeignKey(
        "core.Job", verbose_name=_("background job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TenantImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tenant list import")
        verbose_name_plural = _("tenant list imports")

    def __str__(self):
        return f"{self.filename} → {self.cluster_id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def status_colour(self) -> str:
        """The Bootstrap colour of the status badge."""
        return {
            self.Status.INVALID: "danger",
            self.Status.FAILED: "danger",
            self.Status.VALID: "primary",
            self.Status.IMPORTED: "success",
            self.Status.DISCARDED: "secondary",
        }.get(self.status, "info")


# An import run moves through the one lifecycle (`icis.core.lifecycle`): checked, then imported or discarded;
# a run that failed or found errors may be checked again. A stale run (its worker gone) counts as failed.
_Run = TenantImport.Status
IMPORT_LIFECYCLE = Machine(
    name="tenant_import",
    states=_Run,
    moves={
        _Run.CHECKING: (_Run.VALID, _Run.INVALID, _Run.FAILED),
        _Run.VALID: (_Run.IMPORTING, _Run.DISCARDED),
        _Run.INVALID: (_Run.CHECKING, _Run.DISCARDED),
        _Run.FAILED: (_Run.CHECKING, _Run.DISCARDED),
        _Run.IMPORTING: (_Run.IMPORTED, _Run.INVALID, _Run.FAILED),
        _Run.IMPORTED: (),
        _Run.DISCARDED: (),
    },
    to_field="status",
    reason_required=False,
)
