"""An index on the clusters in the occupancy table's order (PostgreSQL only).

`selectors.occupancy_rows` orders the clusters by name, then id as text, compared byte by byte (COLLATE "C",
code point order, as Python compares str) and takes one page (LIMIT/OFFSET). With this index a page is read
in that order and joined to its kept rows, instead of sorting every cluster (15,000 at ten times the national
data: 14 ms, now 0.5 ms). The expressions are those the ORM writes for the ORDER BY, so the planner matches
them. SQLite has no such expression collation to match and sorts the clusters as before.
"""

from django.db import migrations

INDEX = "tenancy_cluster_occupancy_order"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON clusters_cluster "
    "((((COALESCE(name, ''::varchar))::varchar) COLLATE \"C\"), "
    "(((COALESCE((id)::varchar, 'None'::varchar))::varchar) COLLATE \"C\"))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0005_kept_tenancy_state"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
