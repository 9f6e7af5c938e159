"""Who may generate the Circular 14 area reports. The reports are computed, never stored, so the
permissions hang on a model without a table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaReport(models.Model):
    """Biểu 03 (a commune's clusters) and Biểu 04 (the province's), computed on request."""

    class Meta:
        managed = False  # no table: the model only carries the permissions below
        default_permissions = ()
        verbose_name = _("area report (Form 03/04)")
        verbose_name_plural = _("area reports (Form 03/04)")
        permissions = [
            ("view_form03", _("Can generate Form 03 (a commune's clusters) for the communes in scope")),
            ("view_form04", _("Can generate Form 04 (the whole province)")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
