"""Vietnam's 34 provinces and 3,321 commune-level units (in force from 2025-07-01), the old districts
and communes merged into them and the mapping, from the bundled icis/geo/data/vn-communes-2025.json
(dvhcvn/20250701, MIT licence). Adds what is missing and refreshes what differs; never deletes."""

import types

from django.db import migrations


def load(apps, schema_editor):
    from icis.geo import loading

    names = ("Province", "LegacyDistrict", "LegacyCommune", "Commune", "CommuneMerge")
    models = types.SimpleNamespace(**{name: apps.get_model("geo", name) for name in names})
    loading.write(loading.read_file(loading.COUNTRY_FILE), models=models)


class Migration(migrations.Migration):
    dependencies = [("geo", "0004_legacy_district_former_province")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
