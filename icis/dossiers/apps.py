from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "icis.dossiers"
    label = "dossiers"
    verbose_name = _("Establishment and expansion dossiers")

    def ready(self):
        from icis.core import attention

        from . import attention as dossiers_attention

        attention.register("dossiers", dossiers_attention.items)
