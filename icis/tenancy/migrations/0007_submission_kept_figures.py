"""Form 01's summed figures kept as numbers beside the report's JSON (issue 16).

Forms 03 and 04 add up three figures of every accepted Form 01 of the period (revenue, budget paid,
employees: items 23–25). Read out of the JSON, that decoded each report: 1.5 s of the nationwide Form 04's
3.7 s of SQL at ten times the national data set (1.14 M Forms 01). `Submission.keep_figures` now copies
them into three columns on every save; this migration fills them for the reports already there and, on
PostgreSQL, adds a partial covering index of the accepted Forms 01 by period, so the totals are read from
the index alone.

The fill keeps exactly what a save keeps (`Submission.keep_figures`, its rule copied here as `kept_number`).
A plain cast in SQL did not: it read JSON null as 0 on SQLite (its JSON path yields the text 'null'),
stopped the migration on PostgreSQL at a figure of 10^20 or more (numeric field overflow: nothing bounded
the figures before, so a draft may hold one) and on SQLite stored it where no load of the row could read it
back. On PostgreSQL the JSON numbers within the column are kept in one statement (1.14 M reports at ten
times the national data set: seconds, where reading them all in Python took minutes), the rest by
`kept_number`; on SQLite every report by `kept_number`.
"""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django.db import migrations, models

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


BATCH = 2000


def kept_number(value) -> Decimal | None:
    """`icis.tenancy.models._kept_number` as of this migration."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number.adjusted() >= 20:
        return None
    return number.quantize(Decimal("1e-10"), ROUND_HALF_UP, Context(prec=30))


# PostgreSQL: first, in one statement, every figure that is a JSON number the column holds, as `kept_number`
# keeps it (the number to 10 decimals, halves away from zero: `round(numeric, 10)`); then the few reports
# holding anything else under a figure's key (text, a number beyond the column, data that is not an object)
# are kept by `kept_number` itself. A cast runs only where the type is a number, so no text is ever cast.
PG_NUMBERS = "UPDATE tenancy_submission SET {columns} WHERE form = '01'"
PG_NUMBER = (  # nested CASEs: PostgreSQL does not promise to test an AND's sides in order
    "CASE WHEN jsonb_typeof(data -> '{key}') = 'number' THEN "
    "CASE WHEN abs((data ->> '{key}')::numeric) < 1e20 THEN round((data ->> '{key}')::numeric, 10) END END"
)
PG_OTHERS = "SELECT id FROM tenancy_submission WHERE form = '01' AND (jsonb_typeof(data) <> 'object' OR {tests})"
PG_OTHER = (
    "CASE WHEN jsonb_typeof(data -> '{key}') = 'number' THEN abs((data ->> '{key}')::numeric) >= 1e20 "
    "ELSE coalesce(jsonb_typeof(data -> '{key}'), 'null') <> 'null' END"
)


def fill(apps, schema_editor):
    Submission = apps.get_model("tenancy", "Submission")
    reports = Submission.objects.using(schema_editor.connection.alias).filter(form="01")
    if schema_editor.connection.vendor == "postgresql":
        columns = ", ".join(f"{column} = {PG_NUMBER.format(key=key)}" for column, key in KEPT.items())
        schema_editor.execute(PG_NUMBERS.format(columns=columns))
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_OTHERS.format(tests=" OR ".join(PG_OTHER.format(key=key) for key in KEPT.values())))
            pks = sorted(pk for (pk,) in cursor.fetchall())
    else:  # SQLite: the demo's and the tests' databases, small: every report in Python
        pks = list(reports.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = []
        for pk, data in reports.filter(pk__in=pks[start : start + BATCH]).values_list("pk", "data"):
            figures = data if isinstance(data, dict) else {}
            rows.append(Submission(pk=pk, **{column: kept_number(figures.get(key)) for column, key in KEPT.items()}))
        reports.bulk_update(rows, list(KEPT))
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
