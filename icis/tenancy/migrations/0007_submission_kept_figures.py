"""Form 01's summed figures kept as numbers beside the report's JSON (issue 16).

Forms 03 and 04 add up three figures of every accepted Form 01 of the period (revenue, budget paid,
employees: items 23–25). Read out of the JSON, that decoded each report: 1.5 s of the nationwide Form 04's
3.7 s of SQL at ten times the national data set (1.14 M Forms 01). `Submission.keep_figures` now copies
them into three columns on every save; this migration fills them for the reports already there (exactly
as the old query cast them: the JSON value's text as a number) and, on PostgreSQL, adds a partial
covering index of the accepted Forms 01 by period, so the totals are read from the index alone.
"""

from django.db import migrations, models
from django.db.models import DecimalField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

KEPT = {
    "kept_revenue_bn_vnd": "revenue_bn_vnd",
    "kept_budget_paid_bn_vnd": "budget_paid_bn_vnd",
    "kept_employees": "employees",
}
INDEX = "tenancy_form01_accepted_figures"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON tenancy_submission (period, cluster_id) "
    "INCLUDE (kept_revenue_bn_vnd, kept_budget_paid_bn_vnd, kept_employees) "
    "WHERE form = '01' AND status = 'accepted'"
)


def fill(apps, schema_editor):
    Submission = apps.get_model("tenancy", "Submission")
    number = DecimalField(max_digits=30, decimal_places=10)
    Submission.objects.using(schema_editor.connection.alias).filter(form="01").update(
        **{column: Cast(KT(f"data__{key}"), number) for column, key in KEPT.items()}
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


FIELD = {"decimal_places": 10, "editable": False, "max_digits": 30, "null": True}


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0006_cluster_occupancy_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="kept_budget_paid_bn_vnd",
            field=models.DecimalField(verbose_name="Form 01 budget paid (billion VND), kept", **FIELD),
        ),
        migrations.AddField(
            model_name="submission",
            name="kept_employees",
            field=models.DecimalField(verbose_name="Form 01 employees, kept", **FIELD),
        ),
        migrations.AddField(
            model_name="submission",
            name="kept_revenue_bn_vnd",
            field=models.DecimalField(verbose_name="Form 01 revenue (billion VND), kept", **FIELD),
        ),
        migrations.RunPython(fill, drop, elidable=False),
    ]
