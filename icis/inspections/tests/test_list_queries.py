"""The inspection lists answer in the same number of queries whatever the number of rows (issue 16)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from icis.testing.factories import make_cluster

from .factories import done, make_inspection, make_violation

pytestmark = pytest.mark.django_db


def _inspections(boss, start, n):
    for i in range(start, start + n):
        cluster = make_cluster(name=f"Cụm {i}", area_ha=30, industrial_land_ha=Decimal("20"))
        inspection = done(make_inspection(boss, cluster), boss)
        make_violation(boss, inspection, deadline=datetime.date(2026, 4, 1))


def _queries(client, url) -> tuple[int, int]:
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return len(captured), body["count"] if isinstance(body, dict) else len(body)


def test_inspections_and_the_violation_register_take_the_same_queries_for_2_and_10_rows(hanoi, boss):
    client = APIClient()
    client.force_authenticate(boss)
    urls = ["/api/inspections/", "/api/violations/"]
    _inspections(boss, 0, 2)
    few = [_queries(client, url) for url in urls]
    _inspections(boss, 2, 8)
    many = [_queries(client, url) for url in urls]
    assert [rows for _, rows in many] == [10, 10] and [rows for _, rows in few] == [2, 2]
    assert [queries for queries, _ in many] == [queries for queries, _ in few]


def test_the_open_violations_filter_reads_exists_never_not_in(hanoi, boss):
    """`exclude()` across the violations would write NOT (id IN (SELECT …)), which PostgreSQL hashes only while
    the violations fit in work_mem (bench/RESULTS.md, "The 10× data set"): EXISTS and NOT EXISTS instead."""
    _inspections(boss, 0, 2)
    make_inspection(boss, make_cluster(name="Không vi phạm"))
    client = APIClient()
    client.force_authenticate(boss)
    answers = {}
    for value in ("true", "false"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/inspections/", {"open_violations": value})
        answers[value] = {row["id"] for row in response.json()["results"]}
        filtered = [
            q["sql"].upper().replace('"', "")
            for q in captured.captured_queries
            if "FROM INSPECTIONS_INSPECTION" in q["sql"].upper().replace('"', "")
            and "INSPECTIONS_VIOLATION" in q["sql"].upper()
        ]
        assert filtered, value
        for sql in filtered:
            assert "EXISTS" in sql and not re.search(r"NOT \(+[\w.]+ IN \(SELECT", sql), sql
    assert len(answers["true"]) == 2 and len(answers["false"]) == 1
    assert not answers["true"] & answers["false"]
