"""The wastewater lists answer in the same number of queries whatever the number of rows (issue 16)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from icis.environment.models import Violation

from .factories import make_plant, operating_cluster, sample

pytestmark = pytest.mark.django_db


def _plants(start, n):
    plants = []
    for i in range(start, start + n):
        plant = make_plant(operating_cluster(name=f"Cụm {i}"), since="2020-01-01", name=f"Trạm {i}")
        sample(plant, "2026-03-01", {"COD": 200 + i, "pH": 7})  # over the limit: a violation each
        plants.append(plant)
    return plants


def _queries(client, url) -> tuple[int, int]:
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    return len(captured), body["count"] if isinstance(body, dict) else len(body)


def test_plants_samples_and_violations_take_the_same_queries_for_2_and_10_rows(hanoi, boss):
    client = APIClient()
    client.force_authenticate(boss)
    first = _plants(0, 2)[0]
    urls = ["/api/wwtps/", f"/api/wwtps/{first.pk}/samples/", "/api/environment/violations/"]
    few = [_queries(client, url) for url in urls]
    _plants(2, 8)
    for month in range(4, 12):
        sample(first, f"2026-{month:02d}-01", {"COD": 210 + month, "pH": 7})
    many = [_queries(client, url) for url in urls]
    assert [rows for _, rows in many] > [rows for _, rows in few]  # the lists did grow
    assert Violation.objects.count() >= 10
    assert [queries for queries, _ in many] == [queries for queries, _ in few]
