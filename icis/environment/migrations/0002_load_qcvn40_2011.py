"""Data: QCVN 40:2011/BTNMT columns A and B, the parameter catalogue and the ⚠ Kq/Kf bands, from
icis/environment/data/qcvn40-2011.json (source and caveats in the file's "source" and "notes").

Every database gets the table this way; corrections and later versions (QCVN 40:2025) are loaded with
`manage.py load_qcvn FILE`, which records who loaded them in the history.
"""

from django.db import migrations


def load(apps, schema_editor):
    from icis.environment import regulations

    payload, sha256 = regulations.read(regulations.QCVN_40_2011)
    models = {name: apps.get_model("environment", name) for name in ("Regulation", "Parameter", "Limit", "FactorBand")}
    content = regulations.validate(payload, known_parameters=regulations.known_parameters(models["Parameter"]))
    regulations.apply(content, **models, loaded_from=regulations.QCVN_40_2011.name, sha256=sha256)


def unload(apps, schema_editor):
    Regulation = apps.get_model("environment", "Regulation")
    Regulation.objects.filter(code="QCVN 40:2011/BTNMT").delete()


class Migration(migrations.Migration):
    dependencies = [("environment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
