"""The register's pages are read in index order: both sources have an index on (deadline, id), the register's
order, so PostgreSQL merges the two index scans and stops after a page instead of sorting every violation
of the country (bench/RESULTS.md, issue 16: 10 ms at 1×, growing with the violations, to 0.2 ms)."""

import pytest
from django.db import connection

from icis.environment.models import Violation as WastewaterViolation
from icis.inspections.models import Violation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "name"),
    [(Violation, "inspections_violation_page_idx"), (WastewaterViolation, "environment_violation_page_idx")],
)
def test_each_source_of_the_register_has_an_index_in_its_order(model, name):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert constraints[name]["index"] and constraints[name]["columns"] == ["deadline", "id"]
