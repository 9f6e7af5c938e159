"""The kept progress state gains the forecast completion (`state.kept_forecast`), filled from `recent` with
the same arithmetic as `selectors.forecast_completion`, written out here so the migration does not depend on
code that may change (tested against it: test_state.py)."""

import datetime
import math

from django.conf import settings
from django.db import migrations, models

RECENT_KEPT = 24
DAYS_PER_MONTH = 365.25 / 12
FORECAST_HORIZON_DAYS = 20 * 365


def projected(recent, first_done_on, window):
    """The least-squares completion date of the last `window` of `recent` ([["YYYY-MM-DD", "percent"], …])."""
    if first_done_on is not None:
        return None
    used = [(datetime.date.fromisoformat(on), float(percent)) for on, percent in recent[-window:]]
    if len(used) < 2:
        return None
    xs = [(on - used[0][0]).days for on, _percent in used]
    ys = [percent for _on, percent in used]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    remaining = 100 - ys[-1]
    if slope <= 0 or remaining / slope > FORECAST_HORIZON_DAYS:
        return None
    return used[-1][0] + datetime.timedelta(days=math.ceil(remaining / slope))


def fill(apps, schema_editor):
    ProgressState = apps.get_model("construction", "ProgressState")
    window = settings.ICIS_FORECAST_REPORTS
    if window > RECENT_KEPT:
        return  # forecast_window stays 0: readers compute the forecast themselves
    rows = []
    for state in ProgressState.objects.only("pk", "recent", "first_done_on"):
        state.forecast_on = projected(state.recent, state.first_done_on, window)
        state.forecast_window = window
        rows.append(state)
    ProgressState.objects.bulk_update(rows, ["forecast_on", "forecast_window"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("construction", "0006_progress_state_latest_percent"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressstate",
            name="forecast_on",
            field=models.DateField(blank=True, null=True, verbose_name="forecast completion"),
        ),
        migrations.AddField(
            model_name="progressstate",
            name="forecast_window",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="reports the forecast used"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
