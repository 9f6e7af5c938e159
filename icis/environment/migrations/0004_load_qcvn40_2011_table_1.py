"""Data: reload icis/environment/data/qcvn40-2011.json — QCVN 40:2011/BTNMT Table 1 with all its 33 rows
(columns A and B where sourced; the cells that could not be sourced are the regulation's `gaps`).

Idempotent like `manage.py load_qcvn`: the file is the truth for its regulation.
"""

from django.db import migrations


def load(apps, schema_editor):
    from icis.environment import regulations

    payload, sha256 = regulations.read(regulations.QCVN_40_2011)
    models = {name: apps.get_model("environment", name) for name in ("Regulation", "Parameter", "Limit", "FactorBand")}
    content = regulations.validate(payload, known_parameters=regulations.known_parameters(models["Parameter"]))
    regulations.apply(content, **models, loaded_from=regulations.QCVN_40_2011.name, sha256=sha256)


class Migration(migrations.Migration):
    dependencies = [("environment", "0003_judged_on_every_sample")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
