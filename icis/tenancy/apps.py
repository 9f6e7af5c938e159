from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "icis.tenancy"
    label = "tenancy"
    verbose_name = _("Tenants and occupancy")
