"""Start-up check: the environment settings parse (a bad value fails loudly, not on first use).

The date from which "new clusters" need a compliant wastewater plant is a province's rule, kept in
its settings (geo.ProvinceSettings.new_clusters_since), not here.
"""

from django.conf import settings
from django.core.checks import Error, register


@register()
def environment_settings(app_configs, **kwargs):
    errors = []
    for name in ("ICIS_VIOLATION_DEADLINE_DAYS", "ICIS_MONITORING_DEFAULT_MONTHS"):
        if getattr(settings, name) < 1:
            errors.append(Error(f"{name} must be at least 1", id="environment.E002"))
    if 12 % settings.ICIS_MONITORING_DEFAULT_MONTHS:
        message = "ICIS_MONITORING_DEFAULT_MONTHS must divide 12 (1, 2, 3, 4, 6 or 12)"
        errors.append(Error(message, id="environment.E003"))
    return errors
