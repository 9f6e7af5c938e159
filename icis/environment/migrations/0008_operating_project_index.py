"""A partial index on the operating tenant projects' ids (PostgreSQL only).

`selectors.unconnected_operating_tenants(...).count()` (the board, the environment summary, the dashboard)
counts the operating projects with no arrangement on the day: NOT EXISTS over the arrangements. Without the
index PostgreSQL reads the whole project table and filters it on the status (95 % of the projects operate
at the national data set's size); with it, it reads this index only (an index-only scan, in id order, so a
merge anti-join when there are no arrangements, a hash anti-join when there are). On a copy of the 1×
national data set (57,000 operating projects of 60,000): 95 → 21 ms with no arrangement recorded, 200 → 79
ms with arrangements for two projects in three (bench/RESULTS.md, issue 16, branch env3). SQLite reads
the table as before.
"""

from django.db import migrations

INDEX = "environment_operating_project"
CREATE = f"CREATE INDEX IF NOT EXISTS {INDEX} ON tenancy_tenantproject (id) WHERE status = 'operating'"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("environment", "0007_kept_sample_verdicts"),
        ("tenancy", "0006_cluster_occupancy_order_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
