"""Each cluster's first dated changes to established and to under construction, kept on its row
(`icis.clusters.kept`), equal what its history says after every kind of write."""

import datetime

import pytest
from django.core import serializers
from django.core.management import call_command

from icis.clusters import kept, services
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster, StatusChange
from icis.clusters.services import PastChange
from icis.construction.tests.factories import cluster_with_history

pytestmark = pytest.mark.django_db

D = datetime.date
S = ClusterStatus


def _kept(cluster) -> tuple:
    return tuple(Cluster.objects.filter(pk=cluster.pk).values_list("first_established_on", "first_construction_on")[0])


def _computed(cluster) -> tuple:
    """The rule read from the history in Python: the earliest dated change of the cluster itself to each state."""
    changes = StatusChange.objects.filter(cluster=cluster, expansion__isnull=True, effective_on__isnull=False)
    return tuple(
        min((c.effective_on for c in changes if c.to_status == status), default=None)
        for status in (S.ESTABLISHED, S.UNDER_CONSTRUCTION)
    )


def _every_cluster_agrees():
    for cluster in Cluster.objects.all():
        assert _kept(cluster) == _computed(cluster), cluster.code


def test_transitions_keep_the_first_dates(hanoi):
    cluster = cluster_with_history(established_on="2019-03-01", started_on="2020-05-01", completed_on="2022-01-01")
    assert _kept(cluster) == (D(2019, 3, 1), D(2020, 5, 1))
    planned = cluster_with_history(established_on=None, name="Chưa thành lập")
    assert _kept(planned) == (None, None)
    _every_cluster_agrees()


def test_a_past_recorded_out_of_order_keeps_the_earliest_date(hanoi, boss):
    cluster = cluster_with_history(established_on=None, planned_on="2010-01-01")
    services.record_history(
        cluster=cluster,
        entries=[
            PastChange(S.UNDER_CONSTRUCTION, D(2014, 1, 1)),
            PastChange(S.ESTABLISHED, D(2012, 6, 1)),
            PastChange(S.INFRASTRUCTURE_COMPLETE, None),
        ],
        actor=boss,
    )
    assert _kept(cluster) == (D(2012, 6, 1), D(2014, 1, 1))


def test_a_stale_copy_of_the_cluster_saved_after_a_change_does_not_write_old_dates_back(hanoi, boss):
    cluster = cluster_with_history(established_on="2019-03-01")
    stale = Cluster.objects.get(pk=cluster.pk)  # read before construction started
    services.cluster_transition(
        cluster=cluster, to_status=S.UNDER_CONSTRUCTION, effective_on=D(2021, 2, 1), reason="t", actor=boss
    )
    stale.notes = "edited from an old form"
    stale.save()
    assert _kept(cluster) == (D(2019, 3, 1), D(2021, 2, 1))


def test_a_deleted_or_redated_change_moves_the_date_and_an_expansion_or_undated_step_does_not_count(hanoi, boss):
    cluster = cluster_with_history(established_on="2019-03-01", started_on="2020-05-01")
    services.expansion_create(cluster=cluster, data={"added_area_ha": 5}, actor=boss, status_date=D(2018, 1, 1))
    expansion = cluster.expansions.get()
    services.expansion_transition(
        expansion=expansion, to_status=S.ESTABLISHED, effective_on=D(2018, 6, 1), reason="t", actor=boss
    )
    assert _kept(cluster) == (D(2019, 3, 1), D(2020, 5, 1))  # the expansion's earlier step is not the cluster's

    started = cluster.status_changes.get(expansion__isnull=True, to_status=S.UNDER_CONSTRUCTION)
    started.effective_on = None  # a correction in the admin: the date is not known after all
    started.save()
    assert _kept(cluster) == (D(2019, 3, 1), None)

    cluster.status_changes.filter(expansion__isnull=True, to_status=S.ESTABLISHED).delete()
    assert _kept(cluster) == (None, None)
    _every_cluster_agrees()


def test_a_fixture_load_keeps_the_dates_whatever_the_dump_says(hanoi, tmp_path):
    cluster = cluster_with_history(established_on="2019-03-01", started_on="2020-05-01")
    objects = list(Cluster.objects.filter(pk=cluster.pk)) + list(StatusChange.objects.filter(cluster=cluster))
    dump = serializers.serialize("json", objects)
    Cluster.objects.filter(pk=cluster.pk).update(first_established_on=None, first_construction_on=D(1999, 1, 1))
    path = tmp_path / "cluster.json"
    path.write_text(dump.replace('"first_construction_on": "2020-05-01"', '"first_construction_on": null'))
    call_command("loaddata", str(path), verbosity=0)
    assert _kept(cluster) == (D(2019, 3, 1), D(2020, 5, 1))


def test_refresh_mends_what_a_bulk_write_left_and_the_summary_reads_the_kept_dates(hanoi, boss):
    from icis.construction.selectors import construction_summary

    clusters = [cluster_with_history(established_on="2019-03-01", name=f"Cụm {n}") for n in range(3)]
    before = construction_summary(clusters=Cluster.objects.all(), as_of=D(2026, 1, 1))
    StatusChange.objects.filter(cluster__in=clusters, to_status=S.ESTABLISHED).update(effective_on=D(2026, 6, 1))
    assert kept.refresh(Cluster.objects.filter(pk__in=[c.pk for c in clusters]).values("pk")) == 3
    _every_cluster_agrees()
    after = construction_summary(clusters=Cluster.objects.all(), as_of=D(2026, 1, 1))
    assert before["established"] == 3 and after["established"] == 0  # established after the day asked for
