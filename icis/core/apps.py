from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icis.core"
    label = "core"
    verbose_name = "ICIS core"

    def ready(self):
        from . import audit  # noqa: F401  (connects the history signal)
