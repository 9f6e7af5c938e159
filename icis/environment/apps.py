from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    name = "icis.environment"
    label = "environment"
    verbose_name = _("Wastewater and environment")

    def ready(self):
        from icis.core import attention

        from . import attention as environment_attention

        attention.register("environment", environment_attention.items)

        from . import checks  # noqa: F401
