"""The environment summary counted by the database (`selectors.environment_summary`) is the overview's counts
(`summary_counts(environment_overview(...))`, a Python row per cluster, kept as the board's path and as the
reference here), for every scope, day and province, on varied data: the national generator's clusters,
plants, samples and violations in two provinces, plus suspended plants, plants without a sample, a
requirement or Kq/Kf, a plant serving clusters of two provinces, clusters registered without a dated
status change, new clusters under both provinces' rules, and tenant arrangements current, ended and to
come. It reads the same number of queries for few clusters and many, and finds unarranged tenants with
NOT EXISTS, never NOT IN (subquery)."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from icis.accounts import roles
from icis.accounts.models import Scope
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.environment import selectors, services
from icis.environment.api.serializers import EnvironmentSummarySerializer
from icis.environment.choices import ConnectionKind, PlantStatus
from icis.environment.models import TenantConnection
from icis.geo.models import ProvinceSettings
from icis.synthetic import national
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import TenantProject
from icis.testing.factories import make_cluster, person, superuser

from .factories import day, make_plant, operating_cluster, sample

pytestmark = pytest.mark.django_db

DAYS = (None, day("2024-01-15"), day("2025-06-30"), day("2025-12-01"), day("2026-03-15"))


def old_summary(user, as_of=None, province_code=None) -> dict:
    return selectors.summary_counts(selectors.environment_overview(user=user, as_of=as_of, province_code=province_code))


def rendered(summary: dict) -> bytes:
    return JSONRenderer().render(EnvironmentSummarySerializer(summary).data)


def unconnected_with_not_in(user, on) -> int:
    """`selectors.unconnected_operating_tenants` as it was: NOT IN (subquery)."""
    arranged = TenantConnection.objects.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gt=on))
    return (
        TenantProject.objects.restrict(user)
        .filter(status=ProjectStatus.OPERATING)
        .exclude(pk__in=arranged.values("tenant_project_id"))
        .count()
    )


def _edge_cases(boss):
    """Hand-made cases the generator may not make, in the home province (01) and the generator's other one."""
    other = Cluster.objects.exclude(province_id="01").order_by("pk").first()
    home = operating_cluster(name="Hai tỉnh")
    # one plant serving clusters of two provinces, compliant; a second plant of the home cluster suspended
    shared = make_plant(home, other, since="2020-01-01", name="Trạm liên tỉnh")
    sample(shared, "2025-12-20", {"COD": 10, "pH": 7})
    suspended = make_plant(home, since="2020-01-01", name="Trạm tạm dừng", kq=None, kf=None)
    sample(suspended, "2025-12-20", {"COD": 10, "pH": 7})
    services.plant_transition(
        plant=suspended, to_status=PlantStatus.SUSPENDED, effective_on=day("2026-01-10"), reason="hỏng", actor=boss
    )
    # a plant with a quarterly requirement and an old sample; a plant never sampled; one exceeding
    late = make_plant(operating_cluster(name="Trạm trễ mẫu"), since="2019-01-01", name="Trạm trễ")
    services.requirement_create(
        data={"plant": late, "frequency_months": 3, "grace_days": 30, "starts_on": day("2019-01-01")}, actor=boss
    )
    services.requirement_create(
        data={"plant": late, "frequency_months": 6, "grace_days": 10, "starts_on": day("2018-01-01")}, actor=boss
    )
    sample(late, "2025-02-01", {"COD": 10})
    make_plant(operating_cluster(name="Chưa lấy mẫu"), since="2024-01-01", name="Trạm chưa mẫu")
    bad = make_plant(operating_cluster(name="Vượt chuẩn"), since="2020-01-01", name="Trạm vượt")
    sample(bad, "2026-03-01", {"COD": 500})
    make_plant(operating_cluster(name="Đang xây"), status=PlantStatus.UNDER_CONSTRUCTION, since="2025-06-01")
    # clusters registered with their status but no date: they count today only (current=True)
    undated = make_cluster(name="Không rõ ngày", status=ClusterStatus.OPERATING, status_date=None)
    make_plant(undated, since="2021-01-01", name="Trạm cụm không rõ ngày")
    make_cluster(name="Thành lập không rõ ngày", status=ClusterStatus.ESTABLISHED, status_date=None)
    # new clusters under the home province's rule (12/11/2025) and a rule for the other province too
    new = make_cluster(name="Mới", status=ClusterStatus.ESTABLISHED, status_date=day("2025-12-01"))
    sample(make_plant(new, since="2026-01-02", name="Trạm mới"), "2026-02-01", {"COD": 10, "pH": 7})
    make_cluster(name="Mới chưa trạm", status=ClusterStatus.ESTABLISHED, status_date=day("2025-11-20"))
    ProvinceSettings.objects.update_or_create(
        province_id=other.province_id, defaults={"new_clusters_since": day("2020-01-01")}
    )
    gone = make_cluster(name="Thu hồi", status=ClusterStatus.ESTABLISHED, status_date=day("2025-12-05"))
    from icis.clusters import services as cluster_services

    cluster_services.cluster_transition(
        cluster=gone, to_status=ClusterStatus.REVOKED, effective_on=day("2026-02-01"), reason="thu hồi", actor=boss
    )
    # tenant arrangements: current, ended, not yet begun
    projects = list(TenantProject.objects.filter(status=ProjectStatus.OPERATING).order_by("pk")[:6])
    spans = [("2020-01-01", None), ("2020-01-01", "2025-07-01"), ("2026-02-01", None)] * 2
    TenantConnection.objects.bulk_create(
        TenantConnection(
            tenant_project=project,
            kind=ConnectionKind.OWN_TREATMENT,
            since=day(since),
            until=day(until) if until else None,
        )
        for project, (since, until) in zip(projects, spans, strict=False)
    )


@pytest.fixture
def country(hanoi):
    boss = superuser()
    national.national_generate(clusters=30, projects=60, progress_rows=30, provinces=2, communes_per_province=3)
    _edge_cases(boss)
    provinces = sorted(set(Cluster.objects.values_list("province_id", flat=True)))
    assert len(provinces) >= 2
    users = [boss, person("bo", roles.NATIONAL)]
    for code in provinces:
        leader = person(f"leader-{code}", roles.CITY_LEADER)
        Scope.objects.create(user=leader, province_id=code)
        users.append(leader)
    commune = (
        Cluster.objects.filter(province_id=provinces[-1])
        .exclude(communes=None)
        .values_list("communes__code", flat=True)[0]
    )
    users.append(person("xa", roles.COMMUNE_OFFICIAL, communes=[commune]))
    return {"users": users, "provinces": provinces}


def test_the_counted_summary_equals_the_overviews_counts_for_every_user_day_and_province(country, client):
    seen = set()
    for user in country["users"]:
        for as_of in DAYS:
            for province in (None, *country["provinces"]):
                expected = old_summary(user, as_of, province)
                summary = selectors.environment_summary(user=user, as_of=as_of, province_code=province)
                assert summary == expected, (user.username, as_of, province)
                assert rendered(summary) == rendered(expected)
                seen.add(json.dumps({k: v for k, v in expected.items() if k not in ("as_of", "ids")}, default=str))
    assert len(seen) > 10  # the fixtures give the users, days and provinces different answers
    boss = country["users"][0]
    today = selectors.environment_summary(user=boss)
    assert today["clusters_operating_without_plant"] and today["plants_not_meeting_standard"]
    assert today["new_clusters"] and today["circular14"]["26"] and today["circular14"]["27"]
    assert today["plants"] > today["plants_operating"]  # the suspended and the building plant

    # the unarranged tenants: NOT EXISTS counts what NOT IN (subquery) counted
    for user in country["users"]:
        for as_of in DAYS:
            on = as_of or timezone.localdate()
            assert selectors.unconnected_operating_tenants(user, on).count() == unconnected_with_not_in(user, on)

    # the API answers the counted summary, byte for byte what the overview's counts render
    client.force_login(boss)
    for as_of in (None, "2025-12-01"):
        response = client.get("/api/environment/summary/", {"as_of": as_of} if as_of else {})
        assert response.status_code == 200
        expected = old_summary(boss, datetime.date.fromisoformat(as_of) if as_of else None)
        assert response.content == rendered(expected)


def test_unarranged_tenants_are_found_with_not_exists_never_not_in(hanoi, boss):
    """NOT IN (subquery) is hashed by PostgreSQL only while the subquery fits in work_mem: past that each
    project scans every arrangement (bench/RESULTS.md, "The 10× data set"). A correlated NOT EXISTS."""
    with CaptureQueriesContext(connection) as captured:
        selectors.unconnected_operating_tenants(boss, timezone.localdate()).count()
        selectors.environment_summary(user=boss)
    reading = [
        q["sql"].upper().replace('"', "")
        for q in captured.captured_queries
        if "environment_tenantconnection" in q["sql"]
    ]
    assert len(reading) == 2
    for sql in reading:
        assert "NOT EXISTS" in sql and not re.search(r"NOT \(+[\w.]+ IN \(SELECT", sql), sql


def test_the_operating_projects_have_a_partial_index_on_postgresql(db):
    """The unarranged tenants' count reads the operating projects from a partial index (migration 0008);
    SQLite has none."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL index")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["environment_operating_project"])
        (definition,) = cursor.fetchone()
    assert "ON public.tenancy_tenantproject USING btree (id) WHERE" in definition
    assert "(status)::text = 'operating'::text" in definition


def _world(n):
    for i in range(n):
        cluster = operating_cluster(name=f"Cụm {i}")
        plant = make_plant(cluster, since="2020-01-01", name=f"Trạm {i}")
        services.requirement_create(
            data={"plant": plant, "frequency_months": 3, "grace_days": 30, "starts_on": day("2024-01-01")},
            actor=plant.status_changes.get().actor,
        )
        sample(plant, "2026-03-01", {"COD": 80 + i, "pH": 7})
        operating_cluster(name=f"Không trạm {i}")
        new = make_cluster(name=f"Mới {i}", status=ClusterStatus.ESTABLISHED, status_date=day("2025-12-01"))
        shared = operating_cluster(name=f"Cụm chung {i}")
        make_plant(new, shared, status=PlantStatus.UNDER_CONSTRUCTION, since="2025-01-01", name=f"Trạm xây {i}")


COUNTS: dict = {}  # the first size's query counts, which the second must equal


@pytest.mark.parametrize("n", [2, 8])
def test_the_counted_summary_reads_the_same_queries_for_few_clusters_and_many(hanoi, boss, n):
    _world(n)
    counts = []
    for as_of in (None, day("2026-03-15")):
        read = lambda as_of=as_of: selectors.environment_summary(user=boss, as_of=as_of)  # noqa: E731
        with CaptureQueriesContext(connection) as first:
            read()
        with CaptureQueriesContext(connection) as again:
            summary = read()
        assert summary == old_summary(boss, as_of)
        counts.append((len(first), len(again)))
    # again: plants, catalogue version, kept verdicts, provinces' new-cluster dates, clusters, regulation,
    # violations open and overdue, unarranged tenants (and the user's home province when a rule is set)
    assert counts[-1][1] <= 10, counts
    assert counts == COUNTS.setdefault("summary", counts), n
