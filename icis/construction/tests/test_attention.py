"""The dashboard's construction summary counts in the database what the board-based list finds: the same
kinds, counts, first items (ties on a date broken by the record's name) and reasons, and it follows a
write on the next read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icis.construction import attention, services
from icis.construction.models import Milestone
from icis.core.attention import group_items, summarise

from .factories import accepted, cluster_with_history

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)


def _summary(user, limit):
    return sorted((g for g in attention.summary(user, TODAY, limit) if g.count), key=lambda g: g.kind)


def _grouped(user, limit):
    return sorted(group_items(attention.items(user, TODAY), limit), key=lambda g: g.kind)


@pytest.fixture
def board(hanoi, boss):
    cluster_with_history(established_on="2020-01-01", name="Chưa khởi công A")
    cluster_with_history(established_on="2026-03-01", name="Mới thành lập")  # not yet 12 months
    # stalled: the same last report date for several, so the cut at a limit falls among ties
    for n, name in enumerate(("Đình trệ E", "Đình trệ B", "Đình trệ D", "Đình trệ A", "Đình trệ C", "Đình trệ F")):
        cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name=name)
        accepted(cluster, "2024-01-31", 20 + n)
        accepted(cluster, "2024-02-29" if n < 4 else "2024-03-31", 20 + n)  # no increase: the last rise is January
    # started long ago, nothing reported: stalled since the start
    cluster_with_history(established_on="2019-01-01", started_on="2021-05-01", name="Không báo cáo")
    # moving: reported an increase last month, not stalled nor stale
    moving = cluster_with_history(established_on="2019-01-01", started_on="2022-01-01", name="Đang thi công")
    accepted(moving, "2026-04-30", 30)
    accepted(moving, "2026-05-31", 45)
    # complete: its old report is stale
    done = cluster_with_history(
        planned_on="2014-01-01",
        established_on="2015-01-01",
        started_on="2016-01-01",
        completed_on="2019-01-01",
        name="Hoàn thành",
    )
    accepted(done, "2018-12-31", 100)
    services.obstacle_create(
        cluster=moving,
        data={
            "category": "capital",
            "description": "Thiếu vốn",
            "responsible_agency": "UBND xã",
            "raised_on": datetime.date(2025, 1, 1),
            "due_on": datetime.date(2025, 3, 1),
        },
        actor=boss,
    )
    return moving


@pytest.mark.parametrize("limit", [1, 3, 5, 50])
def test_the_summary_equals_the_board_based_list_grouped(board, boss, limit):
    summary = _summary(boss, limit)
    assert {g.kind for g in summary} == {"not_started", "stalled", "stale", "obstacle_overdue"}
    assert summary == _grouped(boss, limit)
    stalled = next(g for g in summary if g.kind == "stalled")
    assert stalled.count == 7 and len(stalled.items) == min(limit, 7)


def test_a_start_known_only_from_its_milestone_counts_as_the_board_counts_it(hanoi, boss):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name="Mốc")
    cluster.status_changes.filter(to_status="under_construction").update(effective_on=None)
    Milestone.objects.create(
        cluster=cluster, kind="construction_start", planned_on=datetime.date(2020, 1, 1), actual_on="2020-02-01"
    )
    assert _summary(boss, 5) == _grouped(boss, 5)
    assert next(g for g in _summary(boss, 5) if g.kind == "stalled").items[0].since == datetime.date(2020, 2, 1)


def test_a_report_dated_after_the_day_asked_for_leaves_the_answer_to_the_board(board, boss):
    accepted(board, "2026-08-31", 50)  # after TODAY: the kept state is not the trail as of TODAY
    assert _summary(boss, 5) == _grouped(boss, 5)


def test_a_report_accepted_shows_on_the_next_read(board, boss):
    today = datetime.date.today()
    stalled = next(g for g in summarise(boss, today, 5) if g.kind == "stalled")
    cluster = board.__class__.objects.get(name="Đình trệ A")
    accepted(cluster, today.replace(day=1) - datetime.timedelta(days=1), 60)
    after = next(g for g in summarise(boss, today, 5) if g.kind == "stalled")
    assert after.count == stalled.count - 1 and "Đình trệ A" not in [i.title for i in after.items]


def test_a_commune_official_gets_the_summary_of_their_communes_only(board):
    from icis.accounts import roles
    from icis.testing.factories import person

    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    assert _summary(official, 5) == _grouped(official, 5)


def test_the_summary_reads_a_fixed_number_of_queries(board, boss):
    with CaptureQueriesContext(connection) as few:
        attention.summary(boss, TODAY, 5)
    for n in range(5):
        cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name=f"Thêm {n}")
        accepted(cluster, "2024-01-31", 10)
    with CaptureQueriesContext(connection) as more:
        attention.summary(boss, TODAY, 5)
    assert len(more) == len(few)
