"""Inspections' rows of the permission matrix (the harness: icis/testing/matrix.py).

Every object is on cluster A's or B's side: an inspection of the cluster (its subject is the cluster, so
investor X reaches A's as its own), its plan, its violation. Firms see only their own (none here). The
inspector is on the team of A's inspection only: an inspector reaches the plans whose team includes them
and those plans' subjects, not the province (`NARROWED`)."""

import datetime

import pytest

from icis.inspections import services
from icis.testing import matrix
from icis.testing.matrix import Endpoint
from icis.testing.personas import api_client_for

pytestmark = pytest.mark.django_db

DEADLINE = "2099-12-31"
NARROWED = {"inspector": "a"}
INSPECTION_ENDPOINTS = [
    Endpoint("api inspection", "get", "/api/inspections/{id}/"),
    Endpoint(
        "page inspection", "get", "/inspections/{id}/", ("inspections.view_inspection",), api=False, object_first=True
    ),
    Endpoint(
        "page edit inspection",
        "get",
        "/inspections/{id}/edit/",
        ("inspections.change_inspection",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page checklist",
        "get",
        "/inspections/{id}/checklist/",
        ("inspections.add_checklistanswer",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page add finding",
        "get",
        "/inspections/{id}/findings/new/",
        ("inspections.add_finding",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page add violation",
        "get",
        "/inspections/{id}/violations/new/",
        ("inspections.add_violation",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page follow-up",
        "post",
        "/inspections/{id}/follow-up/",
        ("inspections.add_followup",),
        api=False,
        object_first=True,
        ok=302,
    ),
    Endpoint(
        "page inspection transition",
        "post",
        "/inspections/{id}/transition/",
        ("inspections.change_inspection",),
        api=False,
        object_first=True,
        ok=302,
    ),
    Endpoint(
        "api record violation",
        "post",
        "/api/violations/",
        ("inspections.add_violation",),
        payload={
            "inspection": "{id}",
            "topic": "construction",
            "description": "Chưa có giấy phép xây dựng",
            "legal_basis": "NĐ 32/2024/NĐ-CP Điều 21 khoản 2",
            "corrective_action": "Xin giấy phép",
            "deadline": DEADLINE,
            "responsible": "Chủ đầu tư",
        },
        ok=201,
        out_of_scope=400,
    ),
]
PLAN_ENDPOINTS = [
    Endpoint("api plan", "get", "/api/inspection-plans/{id}/"),
    Endpoint(
        "api approve plan",
        "post",
        "/api/inspection-plans/{id}/transition/",
        ("inspections.approve_inspectionplan",),
        payload={"to": "approved"},
        ok=400,  # a draft is submitted first: the move is refused, after the scope and permission checks
    ),
    Endpoint(
        "page plan",
        "get",
        "/inspections/plans/{id}/",
        ("inspections.view_inspectionplan",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page edit plan",
        "get",
        "/inspections/plans/{id}/edit/",
        ("inspections.change_inspectionplan",),
        api=False,
        object_first=True,
    ),
]
VIOLATION_ENDPOINTS = [
    Endpoint(
        "page edit violation",
        "get",
        "/inspections/violations/{id}/edit/",
        ("inspections.change_violation",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page violation",
        "get",
        "/inspections/violations/{id}/",
        ("inspections.view_violation",),
        api=False,
        object_first=True,
    ),
]
FINDING_ENDPOINTS = [
    Endpoint(
        "page edit finding",
        "get",
        "/inspections/findings/{id}/edit/",
        ("inspections.change_finding",),
        api=False,
        object_first=True,
    ),
]
CLUSTER_ENDPOINTS = [
    Endpoint(
        "api plan an inspection",
        "post",
        "/api/inspections/",
        ("inspections.add_inspection",),
        payload={"subject_kind": "cluster", "cluster": "{id}", "topics": ["construction"]},
        ok=201,
        out_of_scope=400,
    ),
]
GLOBAL_ENDPOINTS = [
    Endpoint("api plans", "get", "/api/inspection-plans/"),
    Endpoint("api inspections", "get", "/api/inspections/?topic=construction"),
    Endpoint("api violations", "get", "/api/violations/?open=true&overdue=true"),
    Endpoint(
        "api new plan",
        "post",
        "/api/inspection-plans/",
        ("inspections.add_inspectionplan",),
        payload={"province": "01", "year": 2026, "title": "Kế hoạch kiểm tra 2026"},
        ok=201,
    ),
    Endpoint("page inspections", "get", "/inspections/", ("inspections.view_inspection",), api=False),
    Endpoint("page inspections xlsx", "get", "/inspections/?export=xlsx", ("inspections.view_inspection",), api=False),
    Endpoint("page plans", "get", "/inspections/plans/", ("inspections.view_inspectionplan",), api=False),
    Endpoint("page new plan", "get", "/inspections/plans/new/", ("inspections.add_inspectionplan",), api=False),
    Endpoint("page new inspection", "get", "/inspections/new/", ("inspections.add_inspection",), api=False),
    Endpoint("page register", "get", "/inspections/violations/?open=true", ("inspections.view_violation",), api=False),
    Endpoint(
        "page register xlsx", "get", "/inspections/violations/?export=xlsx", ("inspections.view_violation",), api=False
    ),
    Endpoint("page report", "get", "/inspections/reports/?by=commune", ("inspections.view_inspection",), api=False),
]


@pytest.fixture
def sides(world, boss):
    """On each side: a draft plan listing an inspection of the cluster, and a violation found on it."""
    for key in ("a", "b"):
        plan = services.plan_create(data={"province_id": "01", "year": 2026, "title": f"KH {key}"}, actor=boss)
        inspection = services.inspection_create(
            data={"plan": plan, "subject_kind": "cluster", "cluster": world[key]},
            topics=["construction"],
            team=[world["users"]["inspector"]] if key == "a" else [],
            actor=boss,
        )
        violation = services.violation_create(
            inspection=inspection,
            data={
                "topic": "construction",
                "description": f"Vi phạm {key}",
                "legal_basis": "NĐ 32/2024/NĐ-CP Điều 21 khoản 2",
                "corrective_action": "Khắc phục",
                "deadline": datetime.date(2099, 1, 1),
                "responsible": "Chủ đầu tư",
            },
            actor=boss,
        )
        world[f"plan_{key}"], world[f"inspection_{key}"], world[f"violation_{key}"] = plan, inspection, violation
        world[f"finding_{key}"] = services.finding_create(
            inspection=inspection, data={"topic": "construction", "description": f"Phát hiện {key}"}, actor=boss
        )
    return world


@matrix.each_persona
@pytest.mark.parametrize("endpoint", INSPECTION_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_inspection_endpoint_answers_by_role_and_scope(sides, persona, endpoint, which):
    matrix.check(sides, persona, endpoint, sides[f"inspection_{which}"].pk, which, narrowed=NARROWED)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", PLAN_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_plan_endpoint_answers_by_role_and_scope(sides, persona, endpoint, which):
    matrix.check(sides, persona, endpoint, sides[f"plan_{which}"].pk, which, narrowed=NARROWED)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", VIOLATION_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_violation_endpoint_answers_by_role_and_scope(sides, persona, endpoint, which):
    matrix.check(sides, persona, endpoint, sides[f"violation_{which}"].pk, which, narrowed=NARROWED)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", FINDING_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_finding_endpoint_answers_by_role_and_scope(sides, persona, endpoint, which):
    matrix.check(sides, persona, endpoint, sides[f"finding_{which}"].pk, which, narrowed=NARROWED)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", CLUSTER_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_cluster_endpoint_answers_by_role_and_scope(sides, persona, endpoint, which):
    matrix.check(sides, persona, endpoint, sides[which].pk, which, narrowed=NARROWED)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=matrix.name)
def test_global_endpoint_answers_by_role(sides, persona, endpoint):
    matrix.check(sides, persona, endpoint)


@matrix.each_signed_in_persona
def test_lists_show_only_the_inspections_and_violations_in_reach(sides, persona):
    client = api_client_for(sides["users"][persona])
    expected = {sides["a"].pk} if persona in NARROWED else matrix.visible_clusters(sides, persona)
    inspections = client.get("/api/inspections/").json()["results"]
    assert {r["cluster"] for r in inspections} == expected
    violations = client.get("/api/violations/?source=inspection").json()["results"]
    assert {r["cluster_id"] for r in violations} == expected
