from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    name = "icis.environment"
    label = "environment"
    verbose_name = _("Wastewater and environment")

    def ready(self):
        from . import checks  # noqa: F401
