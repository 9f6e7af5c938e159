"""The inspection lists answer in the same number of queries whatever the number of rows (issue 16)."""

import datetime
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
