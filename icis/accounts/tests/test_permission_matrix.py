"""The registry's rows of the permission matrix (the harness: icis/testing/matrix.py)."""

import pytest
from django.test import Client

from icis.clusters.models import Cluster
from icis.core.scoping import reaches_home_province
from icis.documents.models import Document
from icis.testing import matrix
from icis.testing.matrix import Endpoint
from icis.testing.personas import api_client_for

pytestmark = pytest.mark.django_db


ENDPOINTS = [
    Endpoint("api detail", "get", "/api/clusters/{id}/"),
    Endpoint("api history", "get", "/api/clusters/{id}/history/"),
    Endpoint("api cluster documents", "get", "/api/clusters/{id}/documents/"),
    Endpoint("api patch", "patch", "/api/clusters/{id}/", ("clusters.change_cluster",), payload={"notes": "n"}),
    Endpoint(
        "api transition",
        "post",
        "/api/clusters/{id}/transition/",
        ("clusters.transition_cluster",),
        payload={"to": "established", "date": "2021-01-01", "reason": "QĐ"},
    ),
    Endpoint("page detail", "get", "/clusters/{id}/", api=False),
    Endpoint("page history", "get", "/audit/clusters/cluster/{id}/", api=False),
    Endpoint("page as-of", "get", "/clusters/{id}/as-of/?date=01/01/2024", api=False),
    Endpoint("page edit", "get", "/clusters/{id}/edit/", ("clusters.change_cluster",), api=False, object_first=True),
    Endpoint(
        "page transition",
        "get",
        "/clusters/{id}/transition/",
        ("clusters.transition_cluster",),
        api=False,
        object_first=True,
    ),
]
GLOBAL_ENDPOINTS = [
    Endpoint("api summary", "get", "/api/stats/summary/"),
    Endpoint("api list", "get", "/api/clusters/"),
    Endpoint("api documents", "get", "/api/documents/"),
    Endpoint("page dashboard", "get", "/", api=False),
    Endpoint("page list", "get", "/clusters/", api=False),
    Endpoint("page new cluster", "get", "/clusters/new/", ("clusters.add_cluster",), api=False),
    Endpoint("page audit log", "get", "/audit/", ("accounts.view_auditlog",), api=False),
    Endpoint("api development plans", "get", "/api/development-plans/"),
    Endpoint("api plan entries", "get", "/api/plan-entries/"),
    Endpoint("page plan versions", "get", "/planning/versions/", api=False),
    Endpoint("page new plan version", "get", "/planning/versions/new/", ("planning.add_developmentplan",), api=False),
    Endpoint("api plan amendments", "get", "/api/plan-amendments/"),
    Endpoint("api amendment changes", "get", "/api/amendment-changes/"),
]


@matrix.each_persona
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=matrix.name)
@matrix.each_side
def test_object_endpoint_answers_by_role_and_scope(world, persona, endpoint, which):
    matrix.check(world, persona, endpoint, world[which].pk, which)


@matrix.each_persona
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=matrix.name)
def test_global_endpoint_answers_by_role(world, persona, endpoint):
    matrix.check(world, persona, endpoint)


@matrix.each_signed_in_persona
def test_lists_never_leak_out_of_scope_rows(world, persona):
    user = world["users"][persona]
    expected = matrix.visible_clusters(world, persona)
    assert set(Cluster.objects.restrict(user).values_list("pk", flat=True)) == expected
    api_rows = api_client_for(user).get("/api/clusters/").json()["results"]
    assert {row["id"] for row in api_rows} == expected
    client = Client()
    client.force_login(user)
    page = client.get("/clusters/")
    assert {c.pk for c in page.context["object_list"]} == expected
    assert page.context["paginator"].count == len(expected)
    summary = api_client_for(user).get("/api/stats/summary/").json()
    assert summary["total"]["count"] == len(expected)


@matrix.each_signed_in_persona
def test_document_lists_show_only_documents_of_reachable_clusters_and_general_ones(world, persona):
    user = world["users"][persona]
    docs = world["docs"]
    mine = {d.number for d in docs.values()}  # other general documents (e.g. decrees loaded by migrations) aside
    numbers = {row["number"] for row in api_client_for(user).get("/api/documents/").json()["results"]} & mine
    if reaches_home_province(user):
        assert numbers == {d.number for d in docs.values()}
    elif matrix.in_scope(persona, "a"):
        assert numbers == {docs["a"].number, docs["general"].number}
    else:
        assert numbers == {docs["general"].number}
    assert set(Document.objects.restrict(user).values_list("number", flat=True)) & mine == numbers
