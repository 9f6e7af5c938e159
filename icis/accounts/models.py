from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.audit import history
from icis.core.models import TimeStamped


class OrganisationKind(models.TextChoices):
    DOIT = "doit", _("Department of Industry and Trade")
    FINANCE = "finance", _("Finance Department")
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    INVESTOR = "investor", _("Infrastructure investor")
    INSPECTION = "inspection", _("Inspection team")
    OTHER = "other", _("Other")


class Organisation(TimeStamped):
    """A body that acts in the registry: a department, a People's Committee, an investor."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = history()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who signs in; belongs to one organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
