"""Construction's rows of the permission matrix (the harness: icis/testing/matrix.py)."""

import datetime

import pytest

from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.construction.models import ProgressReport
from icis.testing import matrix
from icis.testing.matrix import Endpoint
from icis.testing.personas import api_client_for

from .factories import accepted

pytestmark = pytest.mark.django_db


REPORT = {"report_date": "2024-06-01", "overall_percent": 55, "components": {"drainage": 40}, "disbursed_vnd": 10**9}
ENDPOINTS = [
    Endpoint("api cluster reports", "get", "/api/clusters/{id}/progress-reports/"),
    Endpoint(
        "api submit report",
        "post",
        "/api/clusters/{id}/progress-reports/",
        ("construction.add_progressreport",),
        payload=REPORT,
        ok=201,
    ),
    Endpoint(
        "api add obstacle",
        "post",
        "/api/obstacles/",
        ("construction.add_obstacle",),
        payload={
            "cluster": "{id}",
            "category": "land_clearance",
            "description": "households not yet compensated",
            "responsible_agency": "UBND xã",
            "raised_on": "2024-05-01",
            "due_on": "2024-08-01",
        },
        ok=201,
        out_of_scope=400,
    ),
    Endpoint("page progress", "get", "/construction/clusters/{id}/", api=False),
    Endpoint(
        "page submit report",
        "get",
        "/construction/clusters/{id}/reports/new/",
        ("construction.add_progressreport",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page add obstacle",
        "get",
        "/construction/clusters/{id}/obstacles/new/",
        ("construction.add_obstacle",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page milestone",
        "get",
        "/construction/clusters/{id}/milestones/?kind=construction_start",
        ("construction.change_milestone",),
        api=False,
        object_first=True,
    ),
]
REPORT_ENDPOINTS = [
    Endpoint("api report", "get", "/api/progress-reports/{id}/"),
    Endpoint(
        "api accept", "post", "/api/progress-reports/{id}/accept/", ("construction.review_progressreport",), payload={}
    ),
    Endpoint("page report", "get", "/construction/reports/{id}/", api=False),
]
GLOBAL_ENDPOINTS = [
    Endpoint("api summary", "get", "/api/construction/summary/?as_of=2024-06-30"),
    Endpoint("api board", "get", "/api/construction/board/"),
    Endpoint("api obstacles", "get", "/api/obstacles/?status=open&overdue=true"),
    Endpoint("api reports", "get", "/api/progress-reports/"),
    Endpoint("api visit plans", "get", "/api/visit-plans/"),
    Endpoint("page board", "get", "/construction/", api=False),
    Endpoint("page obstacles", "get", "/construction/obstacles/", api=False),
    Endpoint("page obstacles csv", "get", "/construction/obstacles/?format=csv", api=False),
    Endpoint("page summary", "get", "/construction/summary/", api=False),
    Endpoint("page briefing", "get", "/construction/briefing/", api=False),
]


@pytest.fixture
def sites(world, boss):
    """World's clusters A and B, established 2019 and under construction since 2020, one accepted report each."""
    for key in ("a", "b"):
        for status, when in [
            (ClusterStatus.ESTABLISHED, "2019-01-01"),
            (ClusterStatus.UNDER_CONSTRUCTION, "2020-01-01"),
        ]:
            world[key] = cluster_services.cluster_transition(
                cluster=world[key],
                to_status=status,
                effective_on=datetime.date.fromisoformat(when),
                reason="QĐ",
                actor=boss,
            )
        accepted(world[key], "2023-01-01", 30)
    return world


@matrix.each_persona
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_cluster_endpoint_answers_by_role_and_scope(sites, persona, endpoint, which):
    matrix.check(sites, persona, endpoint, sites[which].pk, which)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", REPORT_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_report_endpoint_answers_by_role_and_scope(sites, persona, endpoint, which, boss):
    from icis.construction import services

    report = services.progress_report_submit(
        cluster=sites[which], data={"report_date": datetime.date(2024, 1, 1), "overall_percent": 40}, actor=boss
    )
    matrix.check(sites, persona, endpoint, report.pk, which)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=matrix.name)
def test_global_endpoint_answers_by_role(sites, persona, endpoint):
    matrix.check(sites, persona, endpoint)


@matrix.each_signed_in_persona
def test_scoped_users_see_only_their_clusters_reports_board_rows_and_summary(sites, persona):
    user = sites["users"][persona]
    expected = matrix.visible_clusters(sites, persona)
    client = api_client_for(user)
    assert {r["cluster"] for r in client.get("/api/progress-reports/").json()["results"]} == expected
    assert {r["cluster"] for r in client.get("/api/construction/board/").json()["results"]} == expected
    summary = client.get("/api/construction/summary/", {"as_of": "2024-06-30"}).json()
    assert summary["established"] == summary["under_construction"] == len(expected)
    assert set(ProgressReport.objects.restrict(user).values_list("cluster_id", flat=True)) == expected
