"""The construction board a page at a time (`selectors.construction_board_page`): the filters and the order
in SQL from the kept state, only the page's rows worked out, and every row, flag and reason equal to the
whole board worked out in Python (`selectors.construction_board`)."""

import importlib

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from icis.accounts import roles
from icis.construction import selectors, services, state
from icis.construction.choices import BOARD_STAGES_VALUES, Flag, MilestoneKind, ObstacleCategory
from icis.construction.models import Milestone, Obstacle, ProgressReport, ProgressState
from icis.geo.models import Commune, Province
from icis.geo.services import admin_units_load
from icis.geo.tests.test_provinces import TEST_PROVINCE
from icis.testing.factories import api_token, person

from .factories import accepted, cluster_with_history, day

pytestmark = pytest.mark.django_db
TODAY = day("2024-06-30")


def monthly(cluster, start: str, percents):
    first, previous = day(start), 0
    for index, percent in enumerate(percents):
        reason = "Đo lại khối lượng" if percent < previous else ""
        accepted(cluster, selectors.add_months(first, index), percent, reason=reason)
        previous = percent


@pytest.fixture
def board(hanoi, boss):
    """Clusters in every situation the board tells apart, two of them in another province."""
    admin_units_load(payload=TEST_PROVINCE)
    other = Province.objects.get(code="T9")
    home = [Commune.objects.get(code="10273")]
    ms = services.milestone_set

    old = cluster_with_history(established_on="2019-01-01", name="Cụm chưa khởi công", communes=home)
    ms(cluster=old, kind=MilestoneKind.CONSTRUCTION_START, planned_on=day("2020-01-01"), actor=boss)
    cluster_with_history(established_on="2024-03-01", name="Cụm mới thành lập")
    stalled = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name="Cụm chậm", communes=home)
    for on, percent in [("2022-01-01", 20), ("2022-06-01", 35), ("2023-01-01", 35)]:
        accepted(stalled, on, percent)
    cluster_with_history(established_on="2023-01-01", started_on="2024-02-01", name="Cụm vừa khởi công")
    cluster_with_history(established_on="2019-01-01", started_on="2021-01-01", name="Cụm chưa báo cáo")
    near = cluster_with_history(established_on="2020-01-01", started_on="2021-01-01", name="Cụm gần xong")
    monthly(near, "2023-06-30", [40, 50, 58, 66, 70, 75, 80, 84, 88, 91, 93, 95])
    ms(cluster=near, kind=MilestoneKind.INFRASTRUCTURE_COMPLETE, planned_on=day("2024-12-31"), actor=boss)
    slow = cluster_with_history(established_on="2020-01-01", started_on="2022-01-01", name="Cụm A", communes=home)
    monthly(slow, "2023-12-15", [10, 12, 15, 16, 18, 20, 21])
    ms(cluster=slow, kind=MilestoneKind.INFRASTRUCTURE_COMPLETE, planned_on=day("2024-12-31"), actor=boss)
    late = cluster_with_history(established_on="2020-01-01", started_on="2022-01-01", name="Cụm A mở rộng")
    monthly(late, "2024-01-10", [30, 25, 28, 40, 52])
    ms(cluster=late, kind=MilestoneKind.WWTP_COMPLETE, planned_on=day("2024-01-01"), actor=boss)
    ms(cluster=late, kind=MilestoneKind.CONSTRUCTION_START, planned_on=day("2021-06-01"), actor=boss)
    Milestone.objects.filter(cluster=late, kind=MilestoneKind.CONSTRUCTION_START).update(actual_on=day("2022-01-01"))
    done = cluster_with_history(
        established_on="2018-01-01", started_on="2019-01-01", completed_on="2024-05-01", name="Cụm đã xong"
    )
    monthly(done, "2024-01-20", [80, 90, 100])
    late_done = cluster_with_history(established_on="2019-06-01", started_on="2020-06-01", name="Cụm B")
    monthly(late_done, "2023-10-05", [50, 60, 70, 100])
    ms(cluster=late_done, kind=MilestoneKind.INFRASTRUCTURE_COMPLETE, planned_on=day("2023-06-30"), actor=boss)
    far = cluster_with_history(
        established_on="2019-01-01",
        started_on="2020-01-01",
        name="Cụm Núi Thử",
        province=other,
        communes=[Commune.objects.get(code="T9001")],
    )
    accepted(far, "2021-01-01", 5)
    cluster_with_history(established_on="2018-05-01", name="Cụm Sông Thử", province=other)
    Obstacle.objects.create(
        cluster=stalled,
        category=ObstacleCategory.values[0],
        description="Chưa giải phóng xong mặt bằng",
        raised_on=day("2023-01-01"),
        due_on=day("2023-06-01"),
    )
    services.progress_report_submit(
        cluster=near, data={"report_date": day("2024-06-29"), "overall_percent": 96}, actor=boss
    )
    return {"home": home, "other": other}


def signature(row):
    return (
        row.cluster.pk,
        row.stage,
        row.established_on,
        row.started_on,
        row.points,
        row.latest,
        row.forecast,
        [(f.flag, f.reason) for f in row.flags],
        row.delay_days,
        row.open_obstacles,
        row.overdue_obstacles,
        row.pending_reports,
        row.freshness,
        [m.pk for m in row.milestones],
    )


def paged(user, size, today=TODAY, **kwargs):
    """Every page of the board, `size` rows a page, one after the other."""
    rows, number, pages = [], 1, None
    while pages is None or number <= pages:

        def paginate(items, number=number):
            nonlocal pages
            page = Paginator(items, size).page(number)
            pages = page.paginator.num_pages
            return page.object_list

        rows += selectors.construction_board_page(user=user, paginate=paginate, today=today, **kwargs)
        number += 1
    return rows


def whole(user, today=TODAY, **kwargs):
    return [signature(r) for r in selectors.construction_board(user=user, today=today, **kwargs)]


def test_every_page_equals_the_whole_board_for_every_ordering_stage_and_flag(board, boss):
    everything = whole(boss)
    assert len(everything) == 12
    assert {f for row in everything for f, _reason in row[7]} == set(Flag.values)  # every flag occurs
    assert any(row[8] for row in everything) and any(row[6].expected_on for row in everything)
    for ordering in selectors.BOARD_ORDERINGS:
        for flag in (None, *Flag.values):
            expected = whole(boss, ordering=ordering, flag=flag)
            assert [signature(r) for r in paged(boss, 5, ordering=ordering, flag=flag)] == expected, (ordering, flag)
    for stage in BOARD_STAGES_VALUES:
        for flag in (None, Flag.BEHIND_SCHEDULE, Flag.STALLED):
            expected = whole(boss, stage=stage, flag=flag, ordering="-delay")
            assert [signature(r) for r in paged(boss, 3, stage=stage, flag=flag, ordering="-delay")] == expected


def test_a_scoped_user_pages_through_their_own_clusters_only(board):
    hanoi_doit = person("hanoi-doit", roles.DOIT_OFFICER)
    commune = person("commune", roles.COMMUNE_OFFICIAL, communes=["10273"])
    for user, count in ((hanoi_doit, 10), (commune, 3)):
        assert len(whole(user)) == count
        for ordering in ("stage", "-delay", "-name", "progress"):
            for flag in (None, Flag.STALLED, Flag.BEHIND_SCHEDULE, Flag.NOT_STARTED):
                got = [signature(r) for r in paged(user, 2, ordering=ordering, flag=flag)]
                assert got == whole(user, ordering=ordering, flag=flag)


def test_a_report_dated_after_the_day_asked_or_another_forecast_window_falls_back_to_the_whole_board(board, boss):
    assert selectors.board_ordered(user=boss, today=TODAY) is not None
    assert selectors.board_ordered(user=boss, today=day("2024-06-01")) is None  # reports after that day
    earlier = day("2024-06-01")
    assert [signature(r) for r in paged(boss, 4, today=earlier, ordering="-delay")] == whole(
        boss, today=earlier, ordering="-delay"
    )
    with override_settings(ICIS_FORECAST_REPORTS=4):
        assert selectors.board_ordered(user=boss, today=TODAY) is None
        assert [signature(r) for r in paged(boss, 4, ordering="-delay")] == whole(boss, ordering="-delay")


def test_the_kept_forecast_is_the_forecast_and_the_migration_computes_it_alike(board):
    fill = importlib.import_module("icis.construction.migrations.0007_progress_state_forecast")
    states = list(ProgressState.objects.all())
    assert any(s.forecast_on for s in states) and any(s.forecast_on is None for s in states)
    for kept in states:
        points = [
            selectors.Point(r.report_date, r.overall_percent)
            for r in ProgressReport.objects.filter(cluster_id=kept.cluster_id, status="accepted")
        ]
        forecast = selectors.forecast_completion(points)
        expected = None if forecast.trend == "complete" else forecast.expected_on
        assert kept.forecast_on == expected and kept.forecast_window == 6
        assert fill.projected(kept.recent, kept.first_done_on, 6) == expected
    with override_settings(ICIS_FORECAST_REPORTS=ProgressState.RECENT_KEPT + 1):
        assert state.kept_forecast(selectors.Trail(), ProgressState.RECENT_KEPT + 1) == (None, 0)


def api_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_the_board_api_pages_like_every_list_and_refuses_bad_input(board, boss):
    client = api_client(boss)
    first = client.get("/api/construction/board/", {"page_size": 5, "ordering": "-delay"}).json()
    assert first["count"] == 12 and len(first["results"]) == 5 and first["previous"] is None
    assert "page=2" in first["next"]
    rest = client.get(first["next"]).json()["results"]
    rest += client.get("/api/construction/board/", {"page_size": 5, "ordering": "-delay", "page": 3}).json()["results"]
    names = [r["name"] for r in first["results"] + rest]
    assert names == [r.cluster.name for r in selectors.construction_board(user=boss, ordering="-delay")]
    stalled = client.get("/api/construction/board/", {"flag": "stalled", "stage": "under_construction"}).json()
    assert stalled["count"] == len(stalled["results"]) and all(
        any(f["flag"] == "stalled" for f in r["flags"]) for r in stalled["results"]
    )
    assert client.get("/api/construction/board/", {"page": 99}).status_code == 404
    for bad in ({"ordering": "nope"}, {"stage": "planned"}, {"flag": "late"}):
        assert client.get("/api/construction/board/", bad).status_code == 400


def test_the_board_page_shows_the_count_and_pages(board, client, boss, monkeypatch):
    from icis.construction.views import BoardView

    client.force_login(boss)
    html = client.get("/construction/", {"ordering": "name"}).content.decode()
    assert "12 clusters" in html and html.count("data-cluster=") == 12
    monkeypatch.setattr(BoardView, "paginate_by", 5)
    html = client.get("/construction/", {"ordering": "name", "page": 3}).content.decode()
    assert "12 clusters" in html and html.count("data-cluster=") == 2 and "Rows 11–12 of 12" in html


# ------------------------------------------------------------------ queries: the same for few and many clusters


def grow(boss, count, start):
    for index in range(start, start + count):
        cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
        accepted(cluster, f"2021-{1 + index % 12:02d}-01", 10)
        accepted(cluster, f"2022-{1 + index % 12:02d}-01", 20 + index)
        services.milestone_set(
            cluster=cluster, kind=MilestoneKind.INFRASTRUCTURE_COMPLETE, planned_on=day("2030-01-01"), actor=boss
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/construction/board/",
        "/api/construction/board/?ordering=-delay&flag=behind_schedule",
        "/api/construction/board/?ordering=progress&flag=stalled&page_size=2",
        "/construction/",
        "/construction/?ordering=-delay&flag=stalled",
        "/api/construction/summary/",
        "/api/construction/summary/?as_of=2023-06-30",
        "/construction/summary/",
    ],
)
def test_board_and_summary_run_the_same_queries_for_few_and_many_clusters(hanoi, boss, client, url):
    api = api_client(boss)
    client.force_login(boss)
    get = client.get if not url.startswith("/api/") else api.get

    def measure():
        get(url)
        with CaptureQueriesContext(connection) as queries:
            assert get(url).status_code == 200
        return len(queries)

    grow(boss, 3, 0)
    few = measure()
    grow(boss, 60, 3)
    assert measure() == few


def test_the_summary_counted_in_sql_equals_the_summary_counted_clusters_by_cluster(board, boss):
    """The API's counts (one aggregate query on the kept state) against the page's count of each cluster."""
    from icis.clusters.models import Cluster

    hanoi_doit = person("hanoi-doit", roles.DOIT_OFFICER)
    for as_of in (None, TODAY, day("2024-06-01"), day("2023-12-31"), day("2022-03-31"), day("2019-12-31")):
        for window in ({}, {"established_from": day("2019-01-01"), "established_to": day("2020-12-31")}):
            for scope in (None, Cluster.objects.all(), Cluster.objects.restrict(hanoi_doit)):
                kwargs = {"as_of": as_of, "clusters": scope, **window}
                counted = selectors.construction_summary(**kwargs)
                assert counted == selectors.construction_summary(detail=True, **kwargs)["counts"], kwargs
    assert selectors.construction_summary(as_of=TODAY)["at_least_90_percent"] == 2
    assert selectors.construction_summary(as_of=TODAY)["stalled"] == 3
