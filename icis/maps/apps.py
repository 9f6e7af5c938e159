from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    """The map of clusters: a page and a GeoJSON endpoint that read the registry and its consumers."""

    name = "icis.maps"
    label = "maps"
    verbose_name = _("Map")

    def ready(self):
        from icis.core.registry import MenuItem, Panel, menu, panels

        from . import panels as contributed

        menu.register(MenuItem("map", _("Map"), "maps:map", order=25, section="maps", parent="clusters"))
        panels.register("cluster", Panel("maps", "maps/_cluster_panel.html", contributed.cluster, slot="side", order=5))
