from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConstructionConfig(AppConfig):
    name = "icis.construction"
    label = "construction"
    verbose_name = _("Construction monitoring")

    def ready(self):
        from icis.core import attention

        from . import attention as construction_attention

        attention.register("construction", construction_attention.items)
