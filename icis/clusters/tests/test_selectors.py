import datetime

import pytest

from icis.clusters import selectors, services
from icis.clusters.choices import ClusterStatus
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db


def test_summary_as_of_follows_the_recorded_transitions(hanoi, boss):
    early = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2018, 1, 1), area_ha=10)
    services.cluster_transition(
        cluster=early,
        to_status=ClusterStatus.ESTABLISHED,
        effective_on=datetime.date(2019, 6, 1),
        reason="QĐ",
        actor=boss,
    )
    make_cluster(status=ClusterStatus.PROPOSED, status_date=datetime.date(2024, 6, 30), area_ha=5)

    def counts(day):
        summary = selectors.status_summary(as_of=day)
        return {k: v["count"] for k, v in summary["by_status"].items() if v["count"]}

    assert counts(datetime.date(2017, 1, 1)) == {}
    assert counts(datetime.date(2018, 12, 31)) == {"planned": 1}
    assert counts(datetime.date(2019, 6, 1)) == {"established": 1}
    assert counts(datetime.date(2024, 7, 1)) == {"established": 1, "proposed": 1}
    assert selectors.status_summary()["total"]["area_ha"] == 15


def test_undated_status_counts_now_but_in_no_as_of_figure(hanoi):
    make_cluster(status=ClusterStatus.PLANNED, status_date=None)
    assert selectors.status_summary()["total"]["count"] == 1
    assert selectors.status_summary(as_of=datetime.date(2026, 1, 1))["total"]["count"] == 0


def test_name_suggestion_only_for_an_old_commune_that_went_whole_into_one_unit(hanoi):
    assert selectors.name_commune_suggestion(name="Phú Xuyên", legacy_district_code="280").code == "10273"
    assert selectors.name_commune_suggestion(name="Làng nghề Nam Tiến", legacy_district_code="280").code == "10273"
    # Tô Hiệu was split between two new units: no suggestion.
    assert selectors.name_commune_suggestion(name="Tô Hiệu", legacy_district_code="279") is None
    # The right name in the wrong district suggests nothing.
    assert selectors.name_commune_suggestion(name="Phú Xuyên", legacy_district_code="277") is None
    assert selectors.name_commune_suggestion(name="Phú Xuyên", legacy_district_code=None) is None
