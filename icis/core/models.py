from django.db import models
from django.utils.translation import gettext_lazy as _

# The largest id a database column holds: filters refuse larger ones with a 400, not an overflow.
ID_MAX = 2**63 - 1


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
