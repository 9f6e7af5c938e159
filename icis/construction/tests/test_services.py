import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from icis.clusters.choices import ClusterStatus
from icis.construction import services
from icis.construction.choices import ObstacleStatus, ReportStatus, VisitPlanStatus
from icis.construction.models import ComponentProgress, Obstacle, PlannedVisit, ProgressReport, VisitPlan, VisitRecord
from icis.testing.factories import make_cluster

from .factories import accepted, cluster_with_history, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(hanoi):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    accepted(cluster, "2023-01-01", 40, components={"internal_roads": 50, "drainage": 30})
    return cluster


def submit(cluster, actor, percent, *, on="2024-01-01", components=None, reason=""):
    return services.progress_report_submit(
        cluster=cluster,
        data={"report_date": day(on), "overall_percent": percent, "decrease_reason": reason},
        components=components,
        actor=actor,
    )


def snapshot():
    return ProgressReport.objects.count(), ComponentProgress.objects.count(), ProgressReport.history.count()


@pytest.mark.parametrize(
    ("percent", "components", "field", "code"),
    [
        (Decimal("100.01"), None, "overall_percent", "out_of_range"),
        (Decimal("-1"), None, "overall_percent", "out_of_range"),
        (Decimal("39.99"), None, "overall_percent", "decrease_without_reason"),
        (Decimal("45"), {"internal_roads": 101}, "components.internal_roads", "out_of_range"),
        (Decimal("45"), {"drainage": -5}, "components.drainage", "out_of_range"),
        (Decimal("45"), {"drainage": 29}, "components.drainage", "decrease_without_reason"),
        (Decimal("45"), {"tunnels": 10}, "components", "unknown_component"),
    ],
)
def test_a_bad_figure_changes_nothing(site, boss, percent, components, field, code):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        submit(site, boss, percent, components=components)
    assert caught.value.error_dict[field][0].code == code
    assert snapshot() == before


def test_a_lower_figure_with_a_reason_is_accepted_and_keeps_the_reason(site, boss):
    report = submit(site, boss, Decimal("35"), components={"drainage": 20}, reason="Storm damage to the drains")
    services.progress_report_accept(report=report, actor=boss)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.decrease_reason == "Storm damage to the drains"


def test_a_report_must_be_dated_after_the_last_accepted_and_not_in_the_future(site, boss):
    for on, code in [("2023-01-01", "not_after_last_accepted"), ("2022-12-01", "not_after_last_accepted")]:
        with pytest.raises(ValidationError) as caught:
            submit(site, boss, 50, on=on)
        assert caught.value.error_dict["report_date"][0].code == code
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    with pytest.raises(ValidationError) as caught:
        submit(site, boss, 50, on=tomorrow)
    assert caught.value.error_dict["report_date"][0].code == "future_date"


def test_acceptance_rechecks_against_what_was_accepted_meanwhile(site, boss):
    early = submit(site, boss, 60, on="2024-01-01")
    later = submit(site, boss, 70, on="2024-02-01")
    services.progress_report_accept(report=later, actor=boss)
    with pytest.raises(ValidationError) as caught:
        services.progress_report_accept(report=early, actor=boss)
    assert caught.value.error_dict["report_date"][0].code == "not_after_last_accepted"
    assert ProgressReport.objects.get(pk=early.pk).status == ReportStatus.SUBMITTED


def test_returning_needs_a_note_and_a_returned_report_cannot_be_accepted(site, boss):
    report = submit(site, boss, 50)
    with pytest.raises(ValidationError):
        services.progress_report_return(report=report, actor=boss, note=" ")
    services.progress_report_return(report=report, actor=boss, note="Attach the supervisor's minutes")
    with pytest.raises(ValidationError) as caught:
        services.progress_report_accept(report=report, actor=boss)
    assert caught.value.error_dict["status"][0].code == "transition_not_allowed"
    # The investor may then submit a corrected report for the same date.
    assert submit(site, boss, 50).status == ReportStatus.SUBMITTED


def test_planned_clusters_take_no_progress_report(hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.PLANNED)
    with pytest.raises(ValidationError) as caught:
        submit(cluster, boss, 10)
    assert caught.value.error_dict["cluster"][0].code == "not_established"


def test_clearance_figures_must_nest(site, boss):
    with pytest.raises(ValidationError) as caught:
        services.progress_report_submit(
            cluster=site,
            data={
                "report_date": day("2024-01-01"),
                "overall_percent": 50,
                "clearance_to_clear_ha": Decimal("10"),
                "clearance_cleared_ha": Decimal("12"),
            },
            actor=boss,
        )
    assert "clearance_cleared_ha" in caught.value.error_dict


def test_obstacle_moves_along_its_map_and_resolving_needs_the_resolution(site, boss):
    obstacle = services.obstacle_create(
        cluster=site,
        data={
            "category": "land_clearance",
            "description": "12 households refuse compensation",
            "responsible_agency": "UBND xã",
            "raised_on": day("2024-01-10"),
            "due_on": day("2024-03-31"),
        },
        actor=boss,
    )
    assert obstacle.status == ObstacleStatus.OPEN and obstacle.is_overdue(day("2024-04-01"))
    assert not obstacle.is_overdue(day("2024-03-31"))
    with pytest.raises(ValidationError) as caught:
        services.obstacle_update(obstacle=obstacle, data={}, status=ObstacleStatus.RESOLVED, actor=boss)
    assert caught.value.error_dict["resolution"][0].code == "required"
    obstacle = services.obstacle_update(
        obstacle=obstacle,
        data={"resolution": "Compensation plan approved"},
        status=ObstacleStatus.RESOLVED,
        resolved_on=day("2024-05-01"),
        actor=boss,
    )
    assert obstacle.resolved_on == day("2024-05-01") and not obstacle.is_overdue(day("2025-01-01"))
    with pytest.raises(ValidationError) as caught:
        services.obstacle_update(obstacle=obstacle, data={}, status=ObstacleStatus.ESCALATED, actor=boss)
    assert caught.value.error_dict["status"][0].code == "transition_not_allowed"
    with pytest.raises(ValidationError) as caught:
        services.obstacle_update(obstacle=obstacle, data={"description": "x"}, actor=boss, expected_version=1)
    assert caught.value.code == "stale"


def test_obstacle_needs_a_responsible_agency_and_a_due_date_after_it_was_raised(site, boss):
    base = {"category": "capital", "description": "d", "raised_on": day("2024-01-10")}
    with pytest.raises(ValidationError) as caught:
        services.obstacle_create(cluster=site, data=base, actor=boss)
    assert "responsible_agency" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.obstacle_create(
            cluster=site, data={**base, "responsible_agency": "Sở TC", "due_on": day("2024-01-01")}, actor=boss
        )
    assert "due_on" in caught.value.error_dict
    assert Obstacle.objects.count() == 0


def test_the_retired_api_still_filters_overdue_visits_of_an_approved_plan_past_due_without_a_record(hanoi, boss):
    """Reads of wave 1's visits stay for old clients (`/api/planned-visits/?overdue=`)."""
    from icis.construction.selectors import overdue_visits_q

    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    plan = VisitPlan.objects.create(
        title="2025", period_start=day("2025-01-01"), period_end=day("2025-06-30"), frequency_months=3
    )
    first = PlannedVisit.objects.create(plan=plan, cluster=cluster, due_on=day("2025-01-01"))
    PlannedVisit.objects.create(plan=plan, cluster=cluster, due_on=day("2025-04-01"))
    today = day("2025-05-01")
    assert not PlannedVisit.objects.filter(overdue_visits_q(today)).exists()  # still a draft
    VisitPlan.objects.filter(pk=plan.pk).update(status=VisitPlanStatus.APPROVED)
    assert PlannedVisit.objects.filter(overdue_visits_q(today)).count() == 2
    VisitRecord.objects.create(
        cluster=cluster, planned_visit=first, visited_on=day("2025-01-05"), inspector=boss, findings="Roads 60%"
    )
    assert PlannedVisit.objects.filter(overdue_visits_q(today)).count() == 1


def test_no_role_may_write_the_retired_site_visits_any_more():
    from icis.accounts import roles

    writes = {"add_visitplan", "approve_visitplan", "change_plannedvisit", "delete_plannedvisit", "add_visitrecord"}
    for role in roles.ROLES:
        granted = {p.split(".")[1] for p in role.permissions if p.startswith("construction.")}
        assert not granted & writes, role.name
