from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.lifecycle import Machine
from icis.core.models import TimeStamped
from icis.core.scoping import ScopedQuerySet
from icis.geo.models import Province


class RegistryImportQuerySet(ScopedQuerySet):
    def scope_q(self, user, action):
        return models.Q(created_by=user)

    def province_q(self, codes, user, action):
        return models.Q(province_id__in=codes)


class RegistryImport(TimeStamped):
    """A province's registry workbook on its way in: checked (nothing written), previewed with every error and
    every change, then imported all or nothing (`imports.py`)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        INVALID = "invalid", _("Errors found")
        VALID = "valid", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    # The upload itself (at most ICIS_IMPORT_MAX_BYTES), kept in the database so that it is never served
    # and the import reads exactly what was checked.
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
    lookalikes_confirmed = models.BooleanField(_("look-alike names confirmed"), default=False)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    job = models.ForeignKey(
        "core.Job", verbose_name=_("background job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RegistryImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")
        permissions = [("export_registry", _("Can export a province's registry workbook"))]

    def __str__(self):
        return f"{self.filename} → {self.province_id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def status_colour(self) -> str:
        return {
            self.Status.INVALID: "danger",
            self.Status.FAILED: "danger",
            self.Status.VALID: "primary",
            self.Status.IMPORTED: "success",
            self.Status.DISCARDED: "secondary",
        }.get(self.status, "info")


_Run = RegistryImport.Status
IMPORT_LIFECYCLE = Machine(
    name="registry_import",
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
