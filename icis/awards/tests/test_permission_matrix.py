"""Commendation's rows of the permission matrix (the harness: icis/testing/matrix.py): a nomination
about cluster A (in the commune official's and investor X's scope) and one about cluster B."""

import pytest
from django.utils import timezone

from icis.awards.models import AwardTitle, Nomination
from icis.testing import matrix
from icis.testing.matrix import Endpoint
from icis.testing.personas import api_client_for

from .factories import collective

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()
NOMINATION_ENDPOINTS = [
    Endpoint("api nomination", "get", "/api/awards/{id}/"),
    Endpoint("api status history", "get", "/api/awards/{id}/status-history/"),
    Endpoint(
        "api submit",
        "post",
        "/api/awards/{id}/transition/",
        ("awards.change_nomination",),
        payload={"to": "submitted", "date": TODAY},
    ),
    Endpoint("page nomination", "get", "/awards/{id}/", ("awards.view_nomination",), api=False, object_first=True),
    Endpoint(
        "page edit nomination",
        "get",
        "/awards/{id}/edit/",
        ("awards.change_nomination",),
        api=False,
        object_first=True,
    ),
    Endpoint(
        "page change status",
        "get",
        "/awards/{id}/status/",
        ("awards.change_nomination",),
        api=False,
        object_first=True,
    ),
]
GLOBAL_ENDPOINTS = [
    Endpoint("api nominations", "get", "/api/awards/?year=2025"),
    Endpoint("api titles", "get", "/api/award-titles/"),
    Endpoint("page nominations", "get", "/awards/", ("awards.view_nomination",), api=False),
    Endpoint("page nominations xlsx", "get", "/awards/?export=xlsx", ("awards.view_nomination",), api=False),
    Endpoint("page new nomination", "get", "/awards/new/", ("awards.add_nomination",), api=False),
    Endpoint("page yearly list", "get", "/awards/yearly/?year=2025", ("awards.view_nomination",), api=False),
    Endpoint(
        "page yearly list xlsx", "get", "/awards/yearly/?year=2025&format=xlsx", ("awards.view_nomination",), api=False
    ),
]
CREATE = Endpoint("api nominate", "post", "/api/awards/", ("awards.add_nomination",), ok=201, out_of_scope=400)


@pytest.fixture
def nominated(world, boss):
    world["nominations"] = {key: collective(world[key], actor=boss) for key in ("a", "b")}
    return world


@matrix.each_persona
@pytest.mark.parametrize("endpoint", NOMINATION_ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_nomination_endpoint_answers_by_role_and_scope(nominated, persona, endpoint, which):
    matrix.check(nominated, persona, endpoint, nominated["nominations"][which].pk, which)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=matrix.name)
def test_global_endpoint_answers_by_role(nominated, persona, endpoint):
    matrix.check(nominated, persona, endpoint)


@matrix.each_persona
@matrix.each_side
def test_nominating_for_a_cluster_answers_by_role_and_scope(world, persona, which):
    """A nomination names its clusters: one outside the user's scope is refused (400) as if unknown."""
    user = world["users"][persona]
    payload = {
        "title": _title_id("giay-khen"),
        "year": 2025,
        "achievement": {
            "province": "01",
            "recipient_kind": "collective",
            "unit": "Ban quản lý cụm",
            "description": "Hoàn thành hạ tầng",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "clusters": [world[which].pk],
        },
    }
    response = api_client_for(user).post("/api/awards/", payload, format="json")
    expected = matrix.expected_status(user, CREATE, matrix.in_scope(persona, which))
    assert response.status_code == expected, f"{persona} on {which}: {response.content[:300]!r}"


@matrix.each_signed_in_persona
def test_lists_show_only_nominations_of_reachable_clusters(nominated, persona):
    user = nominated["users"][persona]
    by_cluster = {n.pk: key for key, n in nominated["nominations"].items()}
    expected = {
        nominated[key].pk for key in ("a", "b") if nominated[key].pk in matrix.visible_clusters(nominated, persona)
    }
    rows = api_client_for(user).get("/api/awards/").json()["results"]
    assert {nominated[by_cluster[row["id"]]].pk for row in rows} == expected
    assert {
        nominated[by_cluster[pk]].pk for pk in Nomination.objects.restrict(user).values_list("pk", flat=True)
    } == expected


def _title_id(code):
    return AwardTitle.objects.get(code=code).pk
