"""Every role × every construction endpoint and page × a cluster in and out of its scope.

Same rule as icis/accounts/tests/test_permission_matrix.py: the expected status comes from the role
definitions (permissions, city-wide or scoped), not from a hand-written table.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from icis.accounts.tests.conftest import PERSONAS, api_client_for
from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.construction.models import ProgressReport
from icis.core.scoping import reaches_home_province

from .factories import accepted

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: str
    perms: tuple[str, ...] = ()
    api: bool = True
    payload: dict | None = None
    ok: int = 200
    object_first: bool = False
    # What an out-of-scope object gives once the permission is there (a cluster named in a body: 400).
    out_of_scope: int = 404


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
    Endpoint(
        "page add visit",
        "get",
        "/construction/clusters/{id}/visits/new/",
        ("construction.add_visitrecord",),
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
    Endpoint(
        "api generate plan",
        "post",
        "/api/visit-plans/generate/",
        ("construction.add_visitplan",),
        payload={"period_start": "2026-01-01", "period_end": "2026-06-30", "frequency_months": 2},
        ok=201,
    ),
    Endpoint("page board", "get", "/construction/", api=False),
    Endpoint("page obstacles", "get", "/construction/obstacles/", api=False),
    Endpoint("page obstacles csv", "get", "/construction/obstacles/?format=csv", api=False),
    Endpoint("page visits", "get", "/construction/visits/", api=False),
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


def expected_status(user, endpoint: Endpoint, in_scope: bool) -> int:
    if user is None:
        return 401 if endpoint.api else 302
    visible = in_scope or reaches_home_province(user)
    if endpoint.object_first and not visible:
        return 404
    if not user.has_perms(endpoint.perms):
        return 403
    return endpoint.ok if visible else endpoint.out_of_scope


def call(user, endpoint: Endpoint, obj_id=None):
    url = endpoint.url.format(id=obj_id)
    payload = endpoint.payload
    if payload:
        payload = {k: (obj_id if v == "{id}" else v) for k, v in payload.items()}
    if endpoint.api:
        return getattr(api_client_for(user), endpoint.method)(url, payload, format="json")
    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, endpoint.method)(url, payload or {})


def in_scope(persona, which):
    return persona in {"commune-official", "investor"} and which == "a"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("which", ["a", "b"])
def test_cluster_endpoint_answers_by_role_and_scope(sites, persona, endpoint, which):
    user = sites["users"][persona]
    response = call(user, endpoint, sites[which].pk)
    assert response.status_code == expected_status(user, endpoint, in_scope(persona, which)), response.content[:300]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", REPORT_ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("which", ["a", "b"])
def test_report_endpoint_answers_by_role_and_scope(sites, persona, endpoint, which, boss):
    from icis.construction import services

    report = services.progress_report_submit(
        cluster=sites[which], data={"report_date": datetime.date(2024, 1, 1), "overall_percent": 40}, actor=boss
    )
    user = sites["users"][persona]
    response = call(user, endpoint, report.pk)
    assert response.status_code == expected_status(user, endpoint, in_scope(persona, which)), response.content[:300]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=lambda e: e.name)
def test_global_endpoint_answers_by_role(sites, persona, endpoint):
    user = sites["users"][persona]
    response = call(user, endpoint)
    assert response.status_code == expected_status(user, endpoint, in_scope=True), response.content[:300]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_scoped_users_see_only_their_clusters_reports_board_rows_and_summary(sites, persona):
    user = sites["users"][persona]
    expected = (
        {sites["a"].pk, sites["b"].pk}
        if reaches_home_province(user)
        else ({sites["a"].pk} if in_scope(persona, "a") else set())
    )
    client = api_client_for(user)
    assert {r["cluster"] for r in client.get("/api/progress-reports/").json()["results"]} == expected
    assert {r["cluster"] for r in client.get("/api/construction/board/").json()} == expected
    summary = client.get("/api/construction/summary/", {"as_of": "2024-06-30"}).json()
    assert summary["established"] == summary["under_construction"] == len(expected)
    assert set(ProgressReport.objects.restrict(user).values_list("cluster_id", flat=True)) == expected
