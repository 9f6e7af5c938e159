from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    """The map of clusters: a page and a GeoJSON endpoint that read the registry and its consumers."""

    name = "icis.maps"
    label = "maps"
    verbose_name = _("Map")
