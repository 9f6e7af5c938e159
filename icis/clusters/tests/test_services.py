import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from icis.clusters import services
from icis.clusters.choices import ALLOWED_TRANSITIONS, ClusterStatus
from icis.clusters.models import Cluster, StatusChange
from icis.documents.models import Document, DocumentType
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in ClusterStatus.values for b in ClusterStatus.values]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in ALLOWED_TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in ALL_PAIRS if b not in ALLOWED_TRANSITIONS[a]]


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_it_allows_every_mapped_transition_and_records_it(hanoi, boss, start, target):
    cluster = make_cluster(status=start, status_date=datetime.date(2019, 1, 1))
    conversion = {}
    if target == ClusterStatus.CONVERTED_TO_PARK:  # needs the converting decision and the park's name
        decision = Document.objects.create(doc_type=DocumentType.DECISION, number="1/QĐ-TTg", year=2021)
        conversion = {"document": decision, "industrial_park_name": "KCN thử nghiệm"}
    services.cluster_transition(
        cluster=cluster,
        to_status=target,
        effective_on=datetime.date(2021, 3, 4),
        reason="decision",
        actor=boss,
        **conversion,
    )
    cluster.refresh_from_db()
    assert cluster.status == target
    assert cluster.status_since == datetime.date(2021, 3, 4)
    change = cluster.status_changes.first()
    assert (change.from_status, change.to_status, change.actor) == (start, target, boss)


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_it_refuses_every_unmapped_transition_naming_the_allowed_ones(hanoi, boss, start, target):
    cluster = make_cluster(status=start)
    with pytest.raises(ValidationError) as caught:
        services.cluster_transition(
            cluster=cluster, to_status=target, effective_on=datetime.date(2021, 1, 1), reason="x", actor=boss
        )
    message = " ".join(caught.value.message_dict["to"])
    for allowed in ALLOWED_TRANSITIONS[start]:
        assert allowed in message
    assert caught.value.error_dict["to"][0].code == "transition_not_allowed"
    cluster.refresh_from_db()
    assert cluster.status == start
    assert cluster.status_changes.count() == 1


def test_operating_cluster_cannot_return_to_planned(hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.OPERATING)
    with pytest.raises(ValidationError):
        services.cluster_transition(
            cluster=cluster,
            to_status=ClusterStatus.PLANNED,
            effective_on=datetime.date(2022, 1, 1),
            reason="x",
            actor=boss,
        )


def test_backdated_transition_keeps_its_real_date(hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2016, 5, 1))
    services.cluster_transition(
        cluster=cluster,
        to_status=ClusterStatus.ESTABLISHED,
        effective_on=datetime.date(2017, 12, 29),
        reason="Decision of 2017 entered today",
        actor=boss,
    )
    change = StatusChange.objects.get(cluster=cluster, to_status=ClusterStatus.ESTABLISHED)
    assert change.effective_on == datetime.date(2017, 12, 29)
    assert change.recorded_at.date() >= datetime.date(2026, 1, 1)


def test_transition_refuses_future_date_date_before_current_and_missing_reason(hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2020, 6, 1))
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    cases = [
        (tomorrow, "x", "date"),
        (datetime.date(2020, 5, 31), "x", "date"),
        (datetime.date(2021, 1, 1), "  ", "reason"),
    ]
    for when, reason, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.cluster_transition(
                cluster=cluster,
                to_status=ClusterStatus.ESTABLISHED,
                effective_on=when,
                reason=reason,
                actor=boss,
            )
        assert field in caught.value.message_dict
    assert Cluster.objects.get(pk=cluster.pk).status == ClusterStatus.PLANNED


def test_update_refuses_unconfirmed_industrial_land_above_area_and_writes_nothing(hanoi, boss):
    cluster = make_cluster(area_ha=10)
    with pytest.raises(ValidationError) as caught:
        services.cluster_update(
            cluster=cluster, data={"industrial_land_ha": Decimal("12")}, actor=boss, confirmed=False
        )
    assert "industrial_land_ha" in caught.value.message_dict
    cluster.refresh_from_db()
    assert cluster.industrial_land_ha is None and cluster.version == 1
    saved = services.cluster_update(cluster=cluster, data={"industrial_land_ha": Decimal("12")}, actor=boss)
    assert [w.code for w in saved.plausibility_warnings] == ["industrial_land_above_area"]


def test_update_refuses_a_stale_version(hanoi, boss):
    cluster = make_cluster(area_ha=10)
    services.cluster_update(cluster=cluster, data={"area_ha": Decimal("11")}, actor=boss, expected_version=1)
    with pytest.raises(ValidationError) as caught:
        services.cluster_update(cluster=cluster, data={"area_ha": Decimal("12")}, actor=boss, expected_version=1)
    assert caught.value.code == "stale"
    assert Cluster.objects.get(pk=cluster.pk).area_ha == Decimal("11")


def test_update_cannot_touch_status(hanoi, boss):
    cluster = make_cluster()
    with pytest.raises(ValidationError):
        services.cluster_update(cluster=cluster, data={"status": ClusterStatus.OPERATING}, actor=boss)


def test_expansion_has_its_own_status_and_timeline(hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.OPERATING, area_ha=40)
    expansion = services.expansion_create(
        cluster=cluster,
        data={"added_area_ha": Decimal("6")},
        actor=boss,
        status_date=datetime.date(2024, 1, 1),
    )
    services.expansion_transition(
        expansion=expansion,
        to_status=ClusterStatus.ESTABLISHED,
        effective_on=datetime.date(2024, 6, 1),
        reason="expansion decided",
        actor=boss,
    )
    expansion.refresh_from_db()
    cluster.refresh_from_db()
    assert expansion.status == ClusterStatus.ESTABLISHED
    assert cluster.status == ClusterStatus.OPERATING
    assert cluster.status_changes.filter(expansion=expansion).count() == 2


def test_boundary_must_be_a_polygon(hanoi, boss):
    with pytest.raises(ValidationError) as caught:
        make_cluster(boundary={"type": "Point", "coordinates": [105.8, 21.0]})
    assert "boundary" in caught.value.message_dict


def test_a_clusters_steps_read_unsorted_put_the_newest_dated_first_and_the_undated_last(hanoi):
    # the models' default order: NULLs first in a descending order on PostgreSQL, last on SQLite
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2018, 3, 1))
    StatusChange.objects.create(cluster=cluster, from_status=ClusterStatus.PLANNED, to_status=ClusterStatus.ESTABLISHED)
    assert [change.effective_on for change in cluster.status_changes.all()] == [datetime.date(2018, 3, 1), None]
    assert cluster.status_changes.first().to_status == ClusterStatus.PLANNED
    assert cluster.status_changes.last().to_status == ClusterStatus.ESTABLISHED
