"""Start-up check: the environment settings parse (a bad value fails loudly, not on first use)."""

import datetime

from django.conf import settings
from django.core.checks import Error, register


def new_cluster_since() -> datetime.date:
    """Clusters established on or after this date must have a compliant WWTP (Hanoi, Plan 305/KH-UBND)."""
    return datetime.date.fromisoformat(settings.ICIS_NEW_CLUSTER_SINCE)


@register()
def environment_settings(app_configs, **kwargs):
    errors = []
    try:
        new_cluster_since()
    except (TypeError, ValueError):
        errors.append(
            Error(
                f"ICIS_NEW_CLUSTER_SINCE={settings.ICIS_NEW_CLUSTER_SINCE!r} is not a date (YYYY-MM-DD)",
                id="environment.E001",
            )
        )
    for name in ("ICIS_VIOLATION_DEADLINE_DAYS", "ICIS_MONITORING_DEFAULT_MONTHS"):
        if getattr(settings, name) < 1:
            errors.append(Error(f"{name} must be at least 1", id="environment.E002"))
    if 12 % settings.ICIS_MONITORING_DEFAULT_MONTHS:
        message = "ICIS_MONITORING_DEFAULT_MONTHS must divide 12 (1, 2, 3, 4, 6 or 12)"
        errors.append(Error(message, id="environment.E003"))
    return errors
