"""The occupancy table API writes its rows without DRF's per-field walk (issue 16): the same JSON as
the generic serializer, blanks included, and the same queries for few and many clusters."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from icis.clusters.models import Cluster
from icis.geo.models import Commune
from icis.tenancy import selectors
from icis.tenancy.api.serializers import OccupancyRowSerializer
from icis.testing.factories import make_cluster

from .conftest import project

pytestmark = pytest.mark.django_db
GROUPS = ["cluster", "commune", "legacy_district", "city"]


def _generic(row):
    return serializers.Serializer.to_representation(OccupancyRowSerializer(), row)


def _clusters(n, tenant, boss, *, land=Decimal("20")):
    communes = list(Commune.objects.order_by("code")[:2])
    for number in range(n):
        cluster = make_cluster(communes=communes[: 1 + number % 2], area_ha=25, industrial_land_ha=land)
        if number % 3 == 0:
            project(cluster, tenant, "2.5", boss)


@pytest.mark.parametrize("as_of", [None, datetime.date(2024, 6, 30), datetime.date(2020, 1, 1)])
@pytest.mark.parametrize("group_by", GROUPS)
def test_the_rows_are_the_generic_serializers_blanks_and_zeros_included(cluster20, tenant, boss, group_by, as_of):
    _clusters(4, tenant, boss)
    make_cluster(name="Cụm chưa có đất")  # no industrial land: zero land, no rate
    Cluster.objects.filter(pk=make_cluster().pk).update(industrial_land_ha=Decimal("0"))
    rows = selectors.occupancy_table(clusters=Cluster.objects.all(), group_by=group_by, as_of=as_of)
    assert rows
    quick = OccupancyRowSerializer(rows, many=True).data
    assert [dict(row) for row in quick] == [_generic(row) for row in rows]
    blank = {
        "key": None,
        "label": None,
        "clusters": 0,
        "clusters_with_land": 0,
        "industrial_land_ha": Decimal(0),
        "occupied_ha": Decimal(0),
        "unleased_ha": Decimal(0),
        "occupancy_rate": None,
        "mean_cluster_rate": None,
    }
    assert OccupancyRowSerializer(blank).data == _generic(blank)


def _queries(api, url):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200
    body = response.json()
    return len(captured), len(body) if isinstance(body, list) else len(body["results"])


@pytest.mark.parametrize("as_of", ["", "&as_of=2024-06-30"])
@pytest.mark.parametrize("group_by", GROUPS)
def test_the_table_takes_the_same_queries_for_few_and_many_clusters(api, cluster20, tenant, boss, group_by, as_of):
    url = f"/api/occupancy/?group_by={group_by}&page_size=5{as_of}"
    _clusters(1, tenant, boss)  # a commune to group by (an empty table runs no page query)
    api.get(url)  # the kept rows made current once
    few, _rows = _queries(api, url)
    _clusters(12, tenant, boss)
    api.get(url)
    many, rows = _queries(api, url)
    assert many == few
    if group_by == "cluster":
        assert rows == 5  # a page of the 14 clusters


@pytest.mark.parametrize("group_by", ["cluster", "commune", "legacy_district"])
def test_a_page_is_one_count_and_one_ordered_limited_query(api, cluster20, tenant, boss, group_by):
    _clusters(6, tenant, boss)  # two communes, no legacy district: one group
    page = 1 if group_by == "legacy_district" else 2
    url = f"/api/occupancy/?group_by={group_by}&page_size=1&page={page}"
    api.get(url)  # the kept rows made current once
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    sql = [q["sql"] for q in captured if "tenancy_tenancystate" in q["sql"] or "COUNT(" in q["sql"]]
    counts = [q for q in sql if q.startswith("SELECT COUNT(")]
    limit = "LIMIT 1" + (" OFFSET 1" if page == 2 else "")
    pages = [q for q in sql if "ORDER BY" in q and limit in q]
    assert len(counts) == 1 and len(pages) == 1, sql
