from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "icis.demo"
    label = "demo"
    verbose_name = "Demo data"
