"""Amendment steps take the shape every lifecycle shares (icis.core.lifecycle.StatusChangeBase): the
step's date becomes `effective_on` and its note `reason` (renamed, nothing lost), and each step records
the interface it came through."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0004_province_not_city_in_labels"),
    ]

    operations = [
        migrations.RenameField(model_name="amendmentevent", old_name="on", new_name="effective_on"),
        migrations.RenameField(model_name="amendmentevent", old_name="note", new_name="reason"),
    ]
