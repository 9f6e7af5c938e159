"""Each cluster's kept progress state (`icis.construction.state`): follows every write, equals the history."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from icis.clusters.models import Cluster
from icis.construction import selectors, services, state
from icis.construction.models import ProgressReport, ProgressState
from icis.testing.factories import superuser

from .factories import accepted, cluster_with_history, day

pytestmark = pytest.mark.django_db


def kept(cluster) -> selectors.Trail:
    rows = list(Cluster.objects.filter(pk=cluster.pk).values("pk", *state.STATE_VALUES))
    return state.trail_of(rows[0], ProgressState.RECENT_KEPT)


def history(cluster, as_of=state.ALL_OF_IT, window=ProgressState.RECENT_KEPT) -> selectors.Trail:
    return selectors.trails_by_cluster(Cluster.objects.filter(pk=cluster.pk), as_of, window).get(
        cluster.pk, selectors.Trail()
    )


def test_the_state_follows_submissions_acceptances_returns_and_deletions():
    boss = superuser()
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    assert not ProgressState.objects.filter(cluster=cluster).exists()
    submitted = services.progress_report_submit(
        cluster=cluster, data={"report_date": day("2021-01-31"), "overall_percent": Decimal(10)}, actor=boss
    )
    assert not ProgressState.objects.filter(cluster=cluster).exists()  # submitted counts for nothing yet
    services.progress_report_accept(report=submitted, actor=boss)
    assert kept(cluster) == history(cluster) and kept(cluster).count == 1
    accepted(cluster, "2021-02-28", 30)
    accepted(cluster, "2021-03-31", 25, reason="Re-measured")  # a decrease: the last increase stays 28/02
    accepted(cluster, "2021-04-30", 25)
    returned = services.progress_report_submit(
        cluster=cluster, data={"report_date": day("2021-05-31"), "overall_percent": Decimal(90)}, actor=boss
    )
    services.progress_report_return(report=returned, actor=boss, note="Wrong figures")
    trail = kept(cluster)
    assert trail == history(cluster)
    assert trail.count == 4 and trail.latest.percent == 25 and trail.last_increase.on == day("2021-02-28")
    for on, percent in [("2021-06-30", 100), ("2021-07-31", 100)]:
        accepted(cluster, on, percent)
    assert kept(cluster).first_done.on == day("2021-06-30") and kept(cluster) == history(cluster)
    ProgressReport.objects.filter(cluster=cluster, report_date=day("2021-07-31")).get().delete()
    assert kept(cluster) == history(cluster) and kept(cluster).count == 5


def test_only_the_last_reports_are_kept_and_a_longer_window_reads_the_history():
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    for month in range(1, ProgressState.RECENT_KEPT + 5):
        accepted(cluster, day(f"{2020 + (month - 1) // 12}-{1 + (month - 1) % 12:02d}-15"), month)
    row = ProgressState.objects.get(cluster=cluster)
    assert row.accepted_count == ProgressState.RECENT_KEPT + 4 and len(row.recent) == ProgressState.RECENT_KEPT
    values = list(Cluster.objects.filter(pk=cluster.pk).values("pk", *state.STATE_VALUES))
    today = day("2030-01-01")
    for window in (1, 6, ProgressState.RECENT_KEPT, ProgressState.RECENT_KEPT + 3):
        assert state.current_trails(values, today, window, scope=None)[cluster.pk] == history(cluster, today, window)


def test_refresh_rebuilds_rows_written_behind_the_signals_back():
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    accepted(cluster, "2021-01-31", 10)
    accepted(cluster, "2021-02-28", 20)
    ProgressReport.objects.filter(cluster=cluster).update(overall_percent=Decimal(40))  # no signal
    assert kept(cluster) != history(cluster)
    assert state.progress_state_refresh() == 1
    assert kept(cluster) == history(cluster)


def test_a_past_date_after_which_a_cluster_reported_reads_that_cluster_from_the_history():
    early = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    late = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    accepted(early, "2021-01-31", 10)
    for on, percent in [("2021-01-31", 10), ("2022-01-31", 50), ("2023-01-31", 95)]:
        accepted(late, on, percent)
    rows = list(Cluster.objects.filter(pk__in=[early.pk, late.pk]).values("pk", *state.STATE_VALUES))
    for as_of in (day("2020-12-31"), day("2021-06-30"), day("2022-06-30"), day("2024-01-01")):
        with CaptureQueriesContext(connection) as queries:
            trails = state.current_trails(rows, as_of, 6, scope=Cluster.objects.all())
        assert trails[early.pk] == history(early, as_of, 6)
        assert trails[late.pk] == history(late, as_of, 6)
        assert len(queries) == (0 if as_of >= day("2023-01-31") else 1)


@override_settings(ICIS_STALLED_MONTHS=6)
def test_summary_and_board_from_the_state_equal_them_from_the_history(monkeypatch):
    boss = superuser()
    histories = {
        "steady": [("2023-01-31", 20), ("2023-06-30", 60), ("2024-01-31", 92)],
        "stalled": [("2022-01-31", 30), ("2022-06-30", 30)],
        "done": [("2022-01-31", 50), ("2023-01-31", 100)],
        "dropped": [("2023-01-31", 70), ("2023-12-31", 60)],
    }
    for name, reports in histories.items():
        cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name=name)
        for on, percent in reports:
            accepted(cluster, on, percent, reason="Re-measured")
    cluster_with_history(established_on="2019-06-01")  # not started, no report
    as_ofs = (day("2022-12-31"), day("2024-06-30"), None)
    kept_summary = [selectors.construction_summary(as_of=d, detail=True) for d in as_ofs]
    kept_board = [_board(boss, d) for d in as_ofs]
    # as before the state: every cluster's trail from its whole history
    monkeypatch.setattr(
        selectors,
        "current_trails",
        lambda rows, as_of, window, *, scope: selectors.trails_by_cluster(scope, as_of, window),
    )
    assert kept_summary == [selectors.construction_summary(as_of=d, detail=True) for d in as_ofs]
    assert kept_board == [_board(boss, d) for d in as_ofs]
    assert kept_summary[1]["counts"]["at_least_90_percent"] == 2  # "steady" at 92 %, "done" at 100 %


def _board(user, today):
    return [
        (row.cluster.pk, row.latest, row.points, row.forecast, row.flags, row.delay_days)
        for row in selectors.construction_board(user=user, today=today)
    ]
