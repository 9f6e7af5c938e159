from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "icis.tenancy"
    label = "tenancy"
    verbose_name = _("Tenants and occupancy")

    def ready(self):
        from icis.core import attention

        from . import attention as tenancy_attention

        attention.register("tenancy", tenancy_attention.items)

        from icis.clusters.services import land_in_use_register

        from .services import leased_land

        land_in_use_register(leased_land)
