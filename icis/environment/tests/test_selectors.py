"""Indicators on a date: plants meeting the standard, Circular 14 items 13–14 and 26–27, the Hanoi rule."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.environment import selectors, services
from icis.environment.choices import PlantStatus
from icis.environment.models import WastewaterPlant
from icis.testing.factories import make_cluster

from .factories import day, make_plant, operating_cluster, sample

pytestmark = pytest.mark.django_db


def standing(plant, on):
    return selectors.plant_standings(WastewaterPlant.objects.filter(pk=plant.pk), day(on))[plant.pk]


def test_acceptance_column_a_plant_with_cod_80_fails_and_the_clusters_items_follow(hanoi, boss):
    cluster = operating_cluster()
    plant = make_plant(cluster, receiving_class="A", kq="0.9", kf="1.0", since="2020-01-01")
    _, judgement, _ = sample(plant, "2026-03-10", {"COD": 80, "pH": 8.5})
    verdicts = {v.parameter: v for v in judgement.verdicts}
    assert (float(verdicts["COD"].limit), verdicts["COD"].compliant) == (67.5, False)
    assert verdicts["pH"].compliant is True and verdicts["pH"].multiplied is False
    items = selectors.cluster_items(cluster, user=boss, as_of=day("2026-03-20"))
    assert (items["item_13"], items["item_14"]) == (1, 0)
    sample(plant, "2026-03-25", {"COD": 60, "pH": 7.1})
    items = selectors.cluster_items(cluster, user=boss, as_of=day("2026-03-26"))
    assert (items["item_13"], items["item_14"]) == (1, 1)
    # As of a day before the good sample, the cluster still did not meet the standard.
    assert selectors.cluster_items(cluster, user=boss, as_of=day("2026-03-24"))["item_14"] == 0


def test_a_plant_under_construction_counts_for_item_13_only(hanoi, boss):
    cluster = operating_cluster()
    make_plant(cluster, status=PlantStatus.UNDER_CONSTRUCTION, since="2025-01-01")
    items = selectors.cluster_items(cluster, user=boss, as_of=day("2026-01-01"))
    assert (items["item_13"], items["item_14"]) == (1, 0)
    assert selectors.cluster_items(cluster, user=boss, as_of=day("2024-12-31"))["item_13"] == 0


def test_without_a_sample_in_the_requirement_period_a_plant_does_not_meet_the_standard(hanoi, boss):
    plant = make_plant(operating_cluster(), since="2020-01-01")
    services.requirement_create(
        data={"plant": plant, "frequency_months": 3, "grace_days": 30, "starts_on": day("2020-01-01")}, actor=boss
    )
    sample(plant, "2025-02-01", {"COD": 10})
    assert standing(plant, "2025-07-30").meets  # Q2 is due by 30/07: the Q1 sample still counts
    late = standing(plant, "2025-07-31")
    assert not late.meets and late.reason == "no_sample" and late.cutoff == day("2025-04-01")


def test_a_suspended_plant_does_not_meet_the_standard(hanoi, boss):
    plant = make_plant(operating_cluster(), since="2020-01-01")
    sample(plant, "2026-01-05", {"COD": 10})
    services.plant_transition(
        plant=plant, to_status=PlantStatus.SUSPENDED, effective_on=day("2026-01-10"), reason="breakdown", actor=boss
    )
    assert standing(plant, "2026-01-09").meets
    assert standing(plant, "2026-01-11").reason == "suspended"


def test_the_summary_counts_on_a_date(hanoi, boss):
    with_plant = operating_cluster(name="Có trạm")
    make_plant(with_plant, since="2020-01-01", name="Trạm tốt")
    sample(WastewaterPlant.objects.get(name="Trạm tốt"), "2026-03-01", {"COD": 10})
    operating_cluster(name="Không trạm")
    building = operating_cluster(name="Trạm đang xây")
    make_plant(building, status=PlantStatus.UNDER_CONSTRUCTION, since="2025-06-01", name="Trạm xây")
    bad = operating_cluster(name="Trạm vượt")
    bad_plant = make_plant(bad, since="2020-01-01", name="Trạm vượt chuẩn")
    sample(bad_plant, "2026-03-01", {"COD": 500})
    new_without = make_cluster(name="Mới chưa trạm", status=ClusterStatus.ESTABLISHED, status_date=day("2025-12-01"))
    new_with = make_cluster(name="Mới có trạm", status=ClusterStatus.ESTABLISHED, status_date=day("2025-12-01"))
    new_plant = make_plant(new_with, since="2026-01-02", name="Trạm mới")
    sample(new_plant, "2026-02-01", {"COD": 10, "pH": 7})
    make_cluster(name="Cũ", status=ClusterStatus.ESTABLISHED, status_date=day("2020-01-01"))

    summary = selectors.summary_counts(selectors.environment_overview(user=boss, as_of=day("2026-03-15")))
    assert summary["clusters_operating"] == 4
    assert summary["clusters_operating_without_plant"] == 2  # "Không trạm" and "Trạm đang xây"
    assert summary["plants"] == 4 and summary["plants_operating"] == 3
    assert summary["plants_not_meeting_standard"] == 1
    assert summary["ids"]["plants_not_meeting_standard"] == [bad_plant.pk]
    assert summary["new_clusters"] == 2
    assert summary["ids"]["new_clusters_without_compliant_plant"] == [new_without.pk]
    assert summary["circular14"] == {"26": 4, "27": 2}
    assert summary["violations_open"] == 0  # detected (recorded) after 15/03: a violation dates from detection
    assert selectors.environment_overview(user=boss)["violations_open"] == 1
    assert summary["regulation"] == "QCVN 40:2011/BTNMT"

    # Before the new plant existed (and before the new clusters were established)
    earlier = selectors.summary_counts(selectors.environment_overview(user=boss, as_of=day("2025-11-30")))
    assert earlier["new_clusters"] == 0 and earlier["plants"] == 3
    assert earlier["violations_open"] == 0  # detected later


def test_a_revoked_new_cluster_no_longer_counts(hanoi, boss):
    cluster = make_cluster(name="Mới", status=ClusterStatus.ESTABLISHED, status_date=day("2025-12-01"))
    cluster_services.cluster_transition(
        cluster=cluster, to_status=ClusterStatus.REVOKED, effective_on=day("2026-02-01"), reason="revoked", actor=boss
    )
    assert (
        selectors.summary_counts(selectors.environment_overview(user=boss, as_of=day("2026-01-15")))["new_clusters"]
        == 1
    )
    assert (
        selectors.summary_counts(selectors.environment_overview(user=boss, as_of=day("2026-03-01")))["new_clusters"]
        == 0
    )


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


FIRST_AND_AGAIN: dict = {}  # the counts of the first parameter, which the second must equal


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("n", [2, 6])
def test_the_summary_needs_the_same_few_queries_whatever_the_number_of_plants(hanoi, boss, n):
    _world(n)
    read = lambda: selectors.environment_overview(user=boss, as_of=day("2026-03-15"))  # noqa: E731
    first = _queries(read)  # the latest samples' verdicts are judged once and kept (icis.environment.kept)
    again = _queries(read)
    # again: plants (with their status, latest sample and requirement), catalogue version, kept verdicts, the
    # clusters, their plants, the provinces' new-cluster dates, the regulation in force, violations open and
    # overdue, tenants
    assert again <= 10, again
    # first: the kept rows checked, locked, judged with the catalogue (four queries) and written back
    assert first <= again + 12, first
    assert (first, again) == FIRST_AND_AGAIN.setdefault("summary", (first, again))  # the same for 2 and 6 plants


@pytest.mark.parametrize("n", [2, 6])
def test_the_board_page_query_count_does_not_grow_with_plants_and_violations(hanoi, boss, client, n):
    _world(n)
    client.force_login(boss)
    client.get("/environment/")  # warm the session and permission caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/environment/")
    assert response.status_code == 200
    assert len(response.context["violations"]) == n
    assert len(captured) <= 19, len(captured)  # 19: with the provinces' new-cluster dates


@pytest.mark.parametrize("n", [2, 6])
def test_the_summary_api_query_count_does_not_grow(hanoi, boss, n):
    from rest_framework.test import APIClient

    _world(n)
    client = APIClient()
    client.force_authenticate(boss)
    client.get("/api/environment/summary/?as_of=2026-03-15")  # the verdicts judged and kept
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/environment/summary/?as_of=2026-03-15").status_code == 200
    assert len(captured) <= 13, len(captured)  # 12 for the summary, one for the user's scope
    assert len(captured) == FIRST_AND_AGAIN.setdefault("api", len(captured))
