from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "icis.legal"
    label = "legal"
    verbose_name = _("Legal gates")

    def ready(self):
        from icis.core.registry import Panel, panels

        from . import panels as contributed

        panels.register("cluster", Panel("legal", "legal/_cluster_panel.html", contributed.cluster, order=30))
