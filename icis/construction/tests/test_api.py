import datetime

import pytest

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind
from icis.construction.models import ComponentProgress, Obstacle, PlannedVisit, ProgressReport, VisitPlan, VisitRecord
from icis.testing.factories import person
from icis.testing.personas import api_client_for

from .factories import accepted, cluster_with_history, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(hanoi):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    accepted(cluster, "2023-01-01", 40, components={"drainage": 30})
    return cluster


def test_post_progress_report_takes_the_issue_contract(api, site):
    response = api.post(
        f"/api/clusters/{site.pk}/progress-reports/",
        {
            "report_date": "2024-06-30",
            "overall_percent": 62.5,
            "components": {"internal_roads": 80, "wastewater": 35},
            "disbursed_vnd": 120_000_000_000,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted" and body["overall_percent"] == 62.5
    assert body["components"] == {"internal_roads": 80.0, "wastewater": 35.0}
    assert body["disbursed_vnd"] == 120_000_000_000


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"overall_percent": 101}, "overall_percent", "out_of_range"),
        ({"overall_percent": -3}, "overall_percent", "out_of_range"),
        ({"overall_percent": 35}, "overall_percent", "decrease_without_reason"),
        ({"overall_percent": 45, "components": {"drainage": 10}}, "components.drainage", "decrease_without_reason"),
        ({"overall_percent": 45, "components": {"drainage": 120}}, "components.drainage", "out_of_range"),
        ({"overall_percent": 45, "disbursed_vnd": -1}, "disbursed_vnd", "min_value"),
    ],
)
def test_api_refuses_bad_figures_with_the_field_and_code_and_writes_nothing(api, site, payload, field, code):
    before = (ProgressReport.objects.count(), ComponentProgress.objects.count())
    response = api.post(
        f"/api/clusters/{site.pk}/progress-reports/", {"report_date": "2024-06-30", **payload}, format="json"
    )
    assert response.status_code == 400
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in response.json()["errors"]
    ]
    assert (ProgressReport.objects.count(), ComponentProgress.objects.count()) == before


def test_lower_figure_with_a_reason_goes_through(api, site):
    response = api.post(
        f"/api/clusters/{site.pk}/progress-reports/",
        {"report_date": "2024-06-30", "overall_percent": 35, "decrease_reason": "Re-measured by the supervisor"},
        format="json",
    )
    assert response.status_code == 201


def test_summary_answers_the_six_keys_and_validates_dates(api, site):
    body = api.get("/api/construction/summary/", {"as_of": "2024-06-30"}).json()
    assert set(body) == {
        "established",
        "under_construction",
        "infrastructure_complete",
        "at_least_90_percent",
        "not_started",
        "stalled",
    }
    assert body["established"] == 1 and body["under_construction"] == 1
    assert api.get("/api/construction/summary/", {"as_of": "30/06/2024"}).status_code == 400


def _post_obstacle(api, site, due_on):
    return api.post(
        "/api/obstacles/",
        {
            "cluster": site.pk,
            "category": "land_procedures",
            "description": "Land allocation decision pending",
            "responsible_agency": "Sở Nông nghiệp và Môi trường",
            "raised_on": "2024-01-05",
            "due_on": due_on,
        },
        format="json",
    )


def test_obstacles_post_and_filter_open_overdue(api, site):
    def post(due_on):
        return _post_obstacle(api, site, due_on)

    late = post("2024-03-01").json()
    post((datetime.date.today() + datetime.timedelta(days=30)).isoformat())
    rows = api.get("/api/obstacles/", {"status": "open", "overdue": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [late["id"]] and rows[0]["overdue"] is True
    assert api.get("/api/obstacles/", {"overdue": "false"}).json()["count"] == 1
    resolve = api.patch(
        f"/api/obstacles/{late['id']}/",
        {"status": "resolved", "resolution": "Decision signed", "resolved_on": "2024-04-01"},
        format="json",
        HTTP_IF_MATCH=f'"{late["id"]}-1"',
    )
    assert resolve.status_code == 200, resolve.json()
    stale = api.patch(
        f"/api/obstacles/{late['id']}/", {"description": "x"}, format="json", HTTP_IF_MATCH=f'"{late["id"]}-1"'
    )
    assert stale.status_code == 412
    assert api.get("/api/obstacles/", {"status": "open", "overdue": "true"}).json()["count"] == 0
    assert Obstacle.objects.get(pk=late["id"]).resolution == "Decision signed"


def test_investors_reach_only_their_own_clusters_reports(hanoi):
    mine = Organisation.objects.create(name="Mine", kind=OrganisationKind.INVESTOR)
    theirs = Organisation.objects.create(name="Theirs", kind=OrganisationKind.INVESTOR)
    own = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", investor=mine)
    other = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01", investor=theirs)
    accepted(own, "2023-01-01", 20)
    foreign = accepted(other, "2023-01-01", 20)
    client = api_client_for(person("inv", roles.INVESTOR, organisation=mine))
    assert {r["cluster"] for r in client.get("/api/progress-reports/").json()["results"]} == {own.pk}
    assert client.get(f"/api/progress-reports/{foreign.pk}/").status_code == 404
    assert client.get(f"/api/clusters/{other.pk}/progress-reports/").status_code == 404
    payload = {"report_date": "2024-01-01", "overall_percent": 30}
    assert client.post(f"/api/clusters/{other.pk}/progress-reports/", payload, format="json").status_code == 404
    assert client.post(f"/api/clusters/{own.pk}/progress-reports/", payload, format="json").status_code == 201
    # Investors submit; only DoIT accepts.
    report = ProgressReport.objects.filter(cluster=own, status="submitted").get()
    assert client.post(f"/api/progress-reports/{report.pk}/accept/", {}, format="json").status_code == 403


def test_board_api_shows_flags_with_reasons(api, hanoi):
    cluster = cluster_with_history(established_on="2019-01-01", started_on="2020-01-01")
    accepted(cluster, "2022-01-01", 30)
    row = api.get("/api/construction/board/").json()["results"][0]
    assert row["flags"][0]["flag"] == "stalled" and "No progress since 01/01/2022" in row["flags"][0]["reason"]


def test_the_site_visit_writes_are_retired_with_410_and_write_nothing(api, site, boss):
    plan = VisitPlan.objects.create(
        title="2026", period_start=day("2026-01-01"), period_end=day("2026-12-31"), frequency_months=3
    )
    visit = PlannedVisit.objects.create(plan=plan, cluster=site, due_on=day("2026-03-01"))
    record = VisitRecord.objects.create(cluster=site, visited_on=day("2026-01-05"), inspector=boss, findings="60%")
    before = (VisitPlan.objects.count(), PlannedVisit.objects.count(), VisitRecord.objects.count())
    calls = [
        ("post", "/api/visit-plans/generate/", {"period_start": "2026-01-01", "period_end": "2026-12-31"}),
        ("post", f"/api/visit-plans/{plan.pk}/approve/", {}),
        ("post", "/api/visit-plans/", {"title": "x"}),
        ("delete", f"/api/visit-plans/{plan.pk}/", None),
        ("patch", f"/api/planned-visits/{visit.pk}/", {"due_on": "2026-04-01"}),
        ("put", f"/api/planned-visits/{visit.pk}/", {"due_on": "2026-04-01"}),
        ("delete", f"/api/planned-visits/{visit.pk}/", None),
        ("post", "/api/visit-records/", {"cluster": site.pk, "visited_on": "2026-01-06", "findings": "x"}),
        ("patch", f"/api/visit-records/{record.pk}/", {"findings": "changed"}),
        ("delete", "/api/visit-records/99999999/", None),
    ]
    for method, url, body in calls:
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 410, (method, url, response.content)
        answer = response.json()
        assert answer["use"] == {"plans": "/api/inspection-plans/", "inspections": "/api/inspections/"}
        assert "/api/inspections/" in answer["detail"] and answer["errors"][0]["code"] == "gone"
    assert (VisitPlan.objects.count(), PlannedVisit.objects.count(), VisitRecord.objects.count()) == before
    assert PlannedVisit.objects.get().due_on == day("2026-03-01") and VisitRecord.objects.get().findings == "60%"
    assert VisitPlan.objects.get().status == "draft"
    # The reads stay for old clients.
    assert api.get("/api/visit-plans/").status_code == 200
    assert api.get(f"/api/planned-visits/{visit.pk}/").json()["due_on"] == "2026-03-01"
    assert api.get("/api/visit-records/").json()["results"][0]["findings"] == "60%"


def test_anonymous_writes_to_the_retired_visit_api_are_refused_as_before(client, hanoi):
    assert client.post("/api/visit-records/", {}, content_type="application/json").status_code in (401, 403)


def test_obstacles_without_a_due_date_come_last_on_every_database(api, site):
    # NULLs sort first in an ascending order on SQLite, last on PostgreSQL
    for due_on in (None, "2024-03-01"):
        _post_obstacle(api, site, due_on)
    assert [row["due_on"] for row in api.get("/api/obstacles/").json()["results"]] == ["2024-03-01", None]


def test_milestones_without_a_planned_date_come_last_on_every_database(api, site):
    # NULLs sort first in an ascending order on SQLite, last on PostgreSQL
    from icis.construction.choices import MilestoneKind
    from icis.construction.models import Milestone

    Milestone.objects.create(cluster=site, kind=MilestoneKind.OPERATION)
    Milestone.objects.create(cluster=site, kind=MilestoneKind.WWTP_COMPLETE, planned_on=datetime.date(2025, 6, 1))
    rows = api.get("/api/milestones/", {"cluster": site.pk}).json()["results"]
    assert [row["planned_on"] for row in rows][-2:] == ["2025-06-01", None]
