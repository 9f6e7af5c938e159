from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from icis.clusters.choices import ClusterStatus
from icis.clusters.selectors import status_on
from icis.construction import selectors, services
from icis.construction.choices import Flag, MilestoneKind
from icis.construction.selectors import Point, add_months, forecast_completion

from .factories import accepted, cluster_with_history, day

pytestmark = pytest.mark.django_db


def points(*pairs):
    return [Point(day(on), Decimal(str(percent))) for on, percent in pairs]


# ------------------------------------------------------------------ forecasts on constructed histories


def test_forecast_of_a_steady_history_extends_the_line_to_100():
    # 10 points a month from January: 60% on 01/06, so 100% four months later (± a day for month lengths).
    history = points(*[(f"2024-{m:02d}-01", 10 * m) for m in range(1, 7)])
    forecast = forecast_completion(history)
    assert forecast.trend == "steady"
    assert abs((forecast.expected_on - day("2024-10-01")).days) <= 3
    assert forecast.rate_per_month == pytest.approx(10, rel=0.05)
    assert "least-squares over 6 reports" in forecast.explanation


def test_forecast_of_a_stalled_history_gives_no_date_and_says_why():
    forecast = forecast_completion(points(("2024-01-01", 40), ("2024-04-01", 40), ("2024-07-01", 40)))
    assert forecast.expected_on is None
    assert forecast.trend == "stalled"
    assert "No increase over the last 3 reports" in forecast.explanation


def test_forecast_of_an_accelerating_history_uses_the_recent_window_and_says_so():
    history = points(
        ("2023-01-01", 2),
        ("2023-04-01", 4),
        ("2023-07-01", 6),
        ("2023-10-01", 8),
        ("2024-01-01", 20),
        ("2024-04-01", 40),
    )
    whole = forecast_completion(history, window=6)
    recent = forecast_completion(history, window=3)
    assert whole.trend == "accelerating"
    assert "may come earlier" in whole.explanation
    # Fitting only the recent reports follows the faster pace: an earlier date than the whole history gives.
    assert recent.expected_on < whole.expected_on


def test_forecast_of_a_slowing_history_warns_it_may_come_later():
    history = points(("2024-01-01", 10), ("2024-02-01", 30), ("2024-03-01", 50), ("2024-04-01", 52))
    assert forecast_completion(history).trend == "slowing"


def test_forecast_with_one_report_only_gives_no_date():
    forecast = forecast_completion(points(("2024-03-01", 35)))
    assert forecast.expected_on is None and forecast.trend == "insufficient"
    assert "Only one accepted report (01/03/2024, 35%)" in forecast.explanation


def test_forecast_without_reports_and_after_completion():
    assert forecast_completion([]).trend == "none"
    done = forecast_completion(points(("2024-01-01", 80), ("2024-05-02", 100)))
    assert (done.trend, done.expected_on) == ("complete", day("2024-05-02"))


def test_forecast_window_is_a_setting():
    history = points(("2023-01-01", 0), ("2023-07-01", 5), ("2024-01-01", 50), ("2024-02-01", 60))
    with override_settings(ICIS_FORECAST_REPORTS=2):
        forecast = forecast_completion(history)
    assert forecast.reports_used == 2
    assert forecast.rate_per_month == pytest.approx(10 * 30.4375 / 31, rel=0.01)


def test_add_months_clamps_to_the_end_of_short_months():
    assert add_months(day("2024-01-31"), 1) == day("2024-02-29")
    assert add_months(day("2024-03-31"), -1) == day("2024-02-29")
    assert add_months(day("2024-12-15"), 1) == day("2025-01-15")


# ------------------------------------------------------------------ every flag on and off at its threshold


def flags_for(**kwargs):
    defaults = {
        "stage": ClusterStatus.UNDER_CONSTRUCTION,
        "established_on": day("2019-01-01"),
        "started_on": day("2020-01-01"),
        "points": [],
        "milestones": [],
        "forecast": None,
    }
    return {f.flag: f.reason for f in selectors.cluster_flags(**{**defaults, **kwargs})}


@override_settings(ICIS_STALLED_MONTHS=6)
def test_stalled_flag_turns_on_one_day_after_the_threshold_with_its_reason():
    history = points(("2023-06-01", 20), ("2024-01-15", 45), ("2024-04-01", 45))
    assert Flag.STALLED not in flags_for(points=history, as_of=day("2024-07-15"))  # exactly 6 months
    reason = flags_for(points=history, as_of=day("2024-07-16"))[Flag.STALLED]
    assert "No progress since 15/01/2024 (overall 45%)" in reason and "threshold 6 months" in reason


@override_settings(ICIS_STALLED_MONTHS=3)
def test_stalled_threshold_is_a_setting_and_counts_from_the_start_without_reports():
    assert Flag.STALLED not in flags_for(started_on=day("2024-01-10"), as_of=day("2024-04-10"))
    reason = flags_for(started_on=day("2024-01-10"), as_of=day("2024-04-11"))[Flag.STALLED]
    assert "since construction started on 10/01/2024" in reason


@override_settings(ICIS_NOT_STARTED_MONTHS=12)
def test_not_started_flag_turns_on_after_the_threshold():
    kwargs = {"stage": ClusterStatus.ESTABLISHED, "established_on": day("2023-03-01"), "started_on": None}
    assert Flag.NOT_STARTED not in flags_for(**kwargs, as_of=day("2024-03-01"))
    reason = flags_for(**kwargs, as_of=day("2024-03-02"))[Flag.NOT_STARTED]
    assert "Established on 01/03/2023" in reason and "12 months" in reason
    assert Flag.NOT_STARTED not in flags_for(
        **{**kwargs, "stage": ClusterStatus.UNDER_CONSTRUCTION}, as_of=day("2025-01-01")
    )


@override_settings(ICIS_NEAR_COMPLETE_PERCENT=90)
def test_near_complete_flag_at_90_percent_and_not_below():
    as_of = day("2024-06-30")
    assert Flag.NEAR_COMPLETE not in flags_for(points=points(("2024-06-01", "89.99")), as_of=as_of)
    assert "90%" in flags_for(points=points(("2024-06-01", 90)), as_of=as_of)[Flag.NEAR_COMPLETE]


def test_behind_schedule_flag_one_day_after_a_planned_milestone_not_reached(hanoi):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    milestone = services.milestone_set(
        cluster=cluster, kind=MilestoneKind.WWTP_COMPLETE, planned_on=day("2024-06-30"), actor=None
    )
    assert Flag.BEHIND_SCHEDULE not in flags_for(milestones=[milestone], as_of=day("2024-06-30"))
    reason = flags_for(milestones=[milestone], as_of=day("2024-07-01"))[Flag.BEHIND_SCHEDULE]
    assert "planned for 30/06/2024" in reason and "1 days late" in reason
    milestone.actual_on = day("2024-06-29")
    assert Flag.BEHIND_SCHEDULE not in flags_for(milestones=[milestone], as_of=day("2024-07-01"))


def test_behind_schedule_when_the_forecast_passes_the_planned_completion(hanoi):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    planned = services.milestone_set(
        cluster=cluster, kind=MilestoneKind.INFRASTRUCTURE_COMPLETE, planned_on=day("2024-12-31"), actor=None
    )
    slow = forecast_completion(points(("2024-01-01", 10), ("2024-06-01", 20)))
    fast = forecast_completion(points(("2024-01-01", 10), ("2024-06-01", 90)))
    as_of = day("2024-06-30")
    assert "forecast completion" in flags_for(milestones=[planned], forecast=slow, as_of=as_of)[Flag.BEHIND_SCHEDULE]
    assert Flag.BEHIND_SCHEDULE not in flags_for(milestones=[planned], forecast=fast, as_of=as_of)


@override_settings(ICIS_STALLED_MONTHS=6)
def test_a_cluster_without_progress_for_longer_than_the_threshold_is_flagged_stalled_on_the_board(hanoi, boss):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", name="Cụm chậm")
    accepted(cluster, "2022-01-01", 20)
    accepted(cluster, "2022-06-01", 35)
    accepted(cluster, "2023-01-01", 35)
    row = next(r for r in selectors.construction_board(user=boss) if r.cluster.pk == cluster.pk)
    stalled = [f for f in row.flags if f.flag == Flag.STALLED]
    assert stalled and "No progress since 01/06/2022 (overall 35%)" in stalled[0].reason


# ------------------------------------------------------------------ the summary table


def test_summary_for_past_dates_equals_what_the_recorded_history_implies(hanoi):
    a = cluster_with_history(established_on="2018-05-01", started_on="2019-03-01", completed_on="2021-06-01")
    b = cluster_with_history(established_on="2019-02-01", started_on="2022-01-01")
    c = cluster_with_history(established_on="2020-07-01")
    d = cluster_with_history(established_on="2022-01-01", started_on="2023-01-01")  # outside the window
    accepted(b, "2022-06-01", 50)
    accepted(b, "2023-06-01", 91)
    window = {"established_from": day("2018-01-01"), "established_to": day("2020-12-31")}
    for as_of in [day("2018-12-31"), day("2019-06-30"), day("2021-12-31"), day("2022-12-31"), day("2024-06-30")]:
        summary = selectors.construction_summary(as_of=as_of, **window)
        # What the history implies, cluster by cluster, through the registry's own "status on" read.
        expected = dict.fromkeys(selectors.SUMMARY_KEYS, 0)
        for cluster in (a, b, c, d):
            established = cluster.status_changes.filter(to_status="established").first().effective_on
            if not (window["established_from"] <= established <= min(window["established_to"], as_of)):
                continue
            then = status_on(cluster, as_of)
            expected["established"] += 1
            expected["under_construction"] += then in selectors.STARTED_STATES
            expected["infrastructure_complete"] += then in selectors.COMPLETE_STATES
            expected["not_started"] += then == ClusterStatus.ESTABLISHED
            reports = cluster.progress_reports.filter(status="accepted", report_date__lte=as_of).order_by("report_date")
            latest = reports.last()
            expected["at_least_90_percent"] += bool(
                then == ClusterStatus.UNDER_CONSTRUCTION and latest and latest.overall_percent >= 90
            )
            last_rise = (
                latest.report_date
                if latest
                else cluster.status_changes.get(to_status="under_construction").effective_on
                if then == ClusterStatus.UNDER_CONSTRUCTION
                else None
            )
            expected["stalled"] += bool(then == ClusterStatus.UNDER_CONSTRUCTION and last_rise < add_months(as_of, -6))
        assert summary == expected, as_of
    assert selectors.construction_summary(as_of=day("2019-06-30"), **window) == {
        "established": 2,
        "under_construction": 1,
        "infrastructure_complete": 0,
        "at_least_90_percent": 0,
        "not_started": 1,
        "stalled": 0,
    }


def test_seed_h1_2024_situation_reproduces_the_summary_table(hanoi, api):
    """Seed 000 (VNA, mid-2024): of the 43 clusters established in 2018–2020, construction had begun at 24
    ("raising the total now under construction to 24 out of the 43"); "of which, five" have complete
    infrastructure and "six others" are at 90 %; 19 have not started. So 24 + 19 = 43: the 24 include the 5
    complete and the 6 at 90 %, which are counted apart from each other. Which clusters they were is not in
    the seed: the clusters below are made up to match its counts, not real ones."""
    as_of = day("2024-06-30")
    established = [f"{2018 + i % 3}-{1 + i % 12:02d}-15" for i in range(43)]
    clusters = []
    for index, on in enumerate(established):
        if index < 5:  # infrastructure complete
            cluster = cluster_with_history(established_on=on, started_on="2021-03-01", completed_on="2023-09-01")
        elif index < 20:  # under construction since 2021–2023 (includes the 6 at 90 %)
            cluster = cluster_with_history(established_on=on, started_on=f"202{1 + index % 3}-05-01")
        elif index < 24:  # the four that began in H1 2024 (Đông Phú Yên, Tam Hiệp, Liên Hiệp, Xà Cầu)
            cluster = cluster_with_history(established_on=on, started_on="2024-03-15")
        else:  # not started
            cluster = cluster_with_history(established_on=on)
        clusters.append(cluster)
    for cluster in clusters[5:11]:  # the six at about 90 %, entered through the API as investors would
        for report_date, percent in [("2023-12-20", 70), ("2024-06-20", 92)]:
            response = api.post(
                f"/api/clusters/{cluster.pk}/progress-reports/",
                {"report_date": report_date, "overall_percent": percent, "components": {"internal_roads": percent}},
                format="json",
            )
            assert response.status_code == 201, response.json()
            assert (
                api.post(f"/api/progress-reports/{response.json()['id']}/accept/", {}, format="json").status_code == 200
            )
    for cluster in clusters[11:20]:
        accepted(cluster, "2024-06-10", 40)
    # Noise that must not count: established before and after the window.
    cluster_with_history(established_on="2017-12-29", started_on="2019-01-01")
    cluster_with_history(established_on="2021-02-01")
    summary = api.get(
        "/api/construction/summary/",
        {"as_of": "2024-06-30", "established_from": "2018-01-01", "established_to": "2020-12-31"},
    ).json()
    assert summary == {
        "established": 43,
        "under_construction": 24,
        "infrastructure_complete": 5,
        "at_least_90_percent": 6,
        "not_started": 19,
        "stalled": 0,
    }
    # Half a year earlier the four H1-2024 starts had not happened: 20 under construction, 23 not started.
    before = selectors.construction_summary(
        as_of=day("2023-12-31"), established_from=day("2018-01-01"), established_to=day("2020-12-31")
    )
    assert (before["under_construction"], before["not_started"], before["at_least_90_percent"]) == (20, 23, 0)
    assert as_of == day("2024-06-30")


def test_summary_and_board_run_a_constant_number_of_queries(hanoi, boss):
    def measure(count):
        for index in range(count):
            cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
            accepted(cluster, f"2021-{1 + index % 12:02d}-01", 10)
            services.milestone_set(
                cluster=cluster, kind=MilestoneKind.CONSTRUCTION_START, planned_on=day("2020-01-01"), actor=boss
            )
        with CaptureQueriesContext(connection) as summary:
            selectors.construction_summary(as_of=day("2024-06-30"))
        with CaptureQueriesContext(connection) as board:
            rows = selectors.construction_board(user=boss)
        return len(summary), len(board), len(rows)

    small = measure(3)
    large = measure(12)
    assert large[2] == 15
    assert (small[0], small[1]) == (large[0], large[1])
    assert large[0] <= 3 and large[1] <= 4


@override_settings(ICIS_STALLED_MONTHS=6)
def test_forecast_gives_no_date_once_the_site_has_stalled():
    history = points(("2023-01-01", 10), ("2023-06-01", 35), ("2024-01-01", 35))
    assert forecast_completion(history).expected_on is not None
    stalled = forecast_completion(history, as_of=day("2024-06-30"))
    assert stalled.expected_on is None and "No increase since 01/06/2023 (35%)" in stalled.explanation
