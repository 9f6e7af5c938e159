"""The kept progress state gains the latest report's percentage (filled from the last of `recent`)."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


def fill(apps, schema_editor):
    ProgressState = apps.get_model("construction", "ProgressState")
    rows = []
    for state in ProgressState.objects.exclude(recent=[]).only("pk", "recent"):
        state.latest_percent = Decimal(state.recent[-1][1])
        rows.append(state)
    ProgressState.objects.bulk_update(rows, ["latest_percent"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('construction', '0005_fill_progress_state'),
    ]

    operations = [
        migrations.AddField(
            model_name='progressstate',
            name='latest_percent',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='latest overall progress (%)'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
