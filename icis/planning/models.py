"""The cluster development plan (phương án phát triển CCN) and its headline totals.

The registry holds only the clusters named in public sources; the plan says how many there should
be. Dashboards show both side by side.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from icis.core.audit import history
from icis.core.concurrency import Versioned
from icis.core.models import TimeStamped
from icis.documents.models import Document, Source
from icis.geo.models import Province


class DevelopmentPlan(Versioned, TimeStamped):
    """One version of a province's cluster development plan (the original or an amendment)."""

    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=300)
    document = models.ForeignKey(
        Document, verbose_name=_("approving document"), on_delete=models.PROTECT, null=True, blank=True
    )
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    cluster_count = models.PositiveIntegerField(_("clusters in the plan"))
    area_ha = models.DecimalField(_("planned area (ha)"), max_digits=10, decimal_places=2)
    is_current = models.BooleanField(_("current version"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    sources = GenericRelation(Source)
    history = history()

    class Meta:
        ordering = ["province", "-is_current", "-horizon_year"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        constraints = [
            models.UniqueConstraint(
                fields=["province"], condition=models.Q(is_current=True), name="planning_one_current_plan"
            ),
        ]

    def __str__(self):
        return self.name
