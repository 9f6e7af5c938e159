from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "icis.geo"
    label = "geo"
    verbose_name = _("geo")

    def ready(self):
        from icis.core.registry import role_grants

        from . import checks  # noqa: F401

        # The system administrator edits the province's settings (roles are named, not imported:
        # geo sits below accounts).
        role_grants.grant("system-admin", "geo.change_own_province_settings")
