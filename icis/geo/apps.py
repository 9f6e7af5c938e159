from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "icis.geo"
    label = "geo"
    verbose_name = _("geo")

    def ready(self):
        from . import checks  # noqa: F401
