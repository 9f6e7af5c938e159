from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "icis.synthetic"
    label = "synthetic"
    verbose_name = "Synthetic data for scale tests"
