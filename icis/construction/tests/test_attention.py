"""The dashboard's construction summary counts in the database what the board-based list finds: the same
kinds, counts, first items (ties on a date broken by the record's name) and reasons, and it follows a
write on the next read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icis.clusters import kept as clusters_kept
from icis.clusters.models import Cluster
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
    clusters_kept.refresh([cluster.pk])  # a bulk update sends no signal: its writer refreshes the kept dates
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


def _worded(groups):
    """What the list shows of each group, the links aside (the reference breaks ties on a date and a name
    by the database's row order, which is not fixed)."""
    return [
        (g.kind, g.label, g.severity, g.count, [(i.title, i.detail, i.since, i.severity) for i in g.items])
        for g in groups
    ]


@pytest.fixture
def ties(board, boss):
    """More clusters on the board fixture's dates: names that sort differently by code point than by the
    database's collation, two clusters of the same name with the same dates, one cluster flagged as three
    kinds' worth (stalled and stale), some in a commune."""
    from icis.geo.models import Commune

    commune = Commune.objects.get(code="10273")
    names = ("Đình trệ b", "Êa", "Fa", "Trùng tên", "Trùng tên", "Zeta")
    for n, name in enumerate(names):
        communes = [commune] if n % 2 else []
        cluster = cluster_with_history(
            established_on="2019-01-01", started_on="2020-01-01", name=name, communes=communes
        )
        accepted(cluster, "2024-01-31", 20)
        accepted(cluster, "2024-02-29", 20)
    for name in ("Chưa khởi công b", "Chưa khởi công C", "Trùng tên", "Trùng tên"):
        cluster_with_history(established_on="2020-01-01", name=name, communes=[commune])
    # obstacles due the same day as the board fixture's, one with a responsible organisation
    from icis.accounts.models import Organisation, OrganisationKind

    ubnd = Organisation.objects.create(name="UBND xã Tây Mỗ", kind=OrganisationKind.PEOPLES_COMMITTEE)
    for n, who in enumerate(({"responsible_organisation": ubnd}, {"responsible_agency": "Sở Xây dựng"})):
        services.obstacle_create(
            cluster=cluster,
            data={
                "category": "land_clearance" if n else "capital",
                "description": f"Vướng mắc {n}",
                "raised_on": datetime.date(2025, 1, 1),
                "due_on": datetime.date(2025, 3, 1),
                **who,
            },
            actor=boss,
        )
    # stale on the same date as the complete cluster, in another stage
    done = cluster_with_history(
        planned_on="2014-01-01",
        established_on="2015-01-01",
        started_on="2016-01-01",
        completed_on="2019-01-01",
        name="Hoàn thành b",
    )
    accepted(done, "2018-12-31", 100)


DAYS = (
    TODAY,
    datetime.date(2024, 3, 15),  # some reports after it: the board decides
    datetime.date(2027, 1, 15),  # after every report: many stale
)


def test_the_summary_read_in_one_query_equals_the_reference_and_the_board_for_each_user_and_day(ties, boss):
    """The one-query summary gives what the previous summary (a count and first-items query per kind)
    gave, and what grouping the board-based items gives, for a national user, a provincial leader and a
    commune official, on days before, among and after the reports, at every limit."""
    from icis.accounts import roles
    from icis.accounts.models import Scope
    from icis.testing.factories import person

    from .reference_attention import reference_summary

    leader = person("tinh", roles.CITY_LEADER)
    Scope.objects.create(user=leader, province_id="01")
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    seen = set()
    for user in (boss, leader, official):
        for today in (*DAYS, datetime.date.today()):
            board = list(attention.items(user, today))
            for limit in (0, 1, 3, 50):
                got = attention.summary(user, today, limit)
                assert _worded(got) == _worded(reference_summary(user, today, limit)), (user, today, limit)
                grouped = group_items(board, limit)
                assert sorted((g for g in got if g.count), key=lambda g: g.kind) == sorted(
                    grouped, key=lambda g: g.kind
                ), (user, today, limit)
                seen |= {(user.username, g.kind) for g in got if g.count}
    for user in (boss, leader, official):
        assert {(user.username, kind) for kind in ("stalled", "stale", "not_started")} <= seen
    # the same cluster in two kinds, ties on a date cut at the limit, the code-point order of names
    stalled = next(g for g in attention.summary(boss, TODAY, 50) if g.kind == "stalled")
    stale = next(g for g in attention.summary(boss, TODAY, 50) if g.kind == "stale")
    assert {"Trùng tên", "Êa"} <= {i.title for i in stalled.items} & {i.title for i in stale.items}
    titles = [i.title for i in stalled.items if i.since == datetime.date(2024, 2, 29)]
    assert titles == sorted(titles) and titles.index("Zeta") < titles.index("Đình trệ b")


def test_the_summary_reads_two_queries_and_only_the_first_rows_of_each_kind(ties, boss):
    with CaptureQueriesContext(connection) as queries:
        groups = attention.summary(boss, TODAY, 2)
    assert len(queries) == 2, [q["sql"][:80] for q in queries.captured_queries]
    assert {g.kind: g.count for g in groups}["stalled"] > 10
    rows = attention._flagged(Cluster.objects.all(), TODAY, 2)
    assert {kind: len(found) for kind, (_count, found) in rows.items()} == {"not_started": 2, "stalled": 2, "stale": 2}
