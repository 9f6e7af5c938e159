"""Fill each cluster's progress state from its accepted reports (the same rules as `icis.construction.state`,
written out here so the migration does not depend on code that may change)."""

from decimal import Decimal

from django.db import migrations

RECENT_KEPT = 24
BATCH = 2000


def fill(apps, schema_editor):
    ProgressReport = apps.get_model("construction", "ProgressReport")
    ProgressState = apps.get_model("construction", "ProgressState")
    ProgressState.objects.all().delete()
    reports = (
        ProgressReport.objects.filter(status="accepted")
        .order_by("cluster_id", "report_date", "id")
        .values_list("cluster_id", "report_date", "overall_percent")
    )
    rows, current, state = [], None, None

    def close():
        if state is not None:
            rows.append(ProgressState(**state))

    previous = Decimal(0)
    for cluster_id, on, percent in reports.iterator(chunk_size=BATCH):
        if cluster_id != current:
            close()
            if len(rows) >= BATCH:
                ProgressState.objects.bulk_create(rows)
                rows.clear()
            current, previous = cluster_id, Decimal(0)
            state = {"cluster_id": cluster_id, "accepted_count": 0, "recent": []}
        state["accepted_count"] += 1
        state["latest_on"] = on
        state["recent"] = [*state["recent"], [on.isoformat(), str(percent)]][-RECENT_KEPT:]
        if percent > previous:
            state["last_increase_on"], state["last_increase_percent"] = on, percent
        if percent >= 100 and not state.get("first_done_on"):
            state["first_done_on"], state["first_done_percent"] = on, percent
        previous = percent
    close()
    ProgressState.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("construction", "0004_progress_state")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
