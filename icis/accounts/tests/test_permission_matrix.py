"""Every role × every endpoint and page × an object in and out of its scope.

The expected status is derived from the role definitions (their permissions and whether they are
city-wide), not written by hand, so a new role or endpoint is covered by adding it to the lists.
"""

from dataclasses import dataclass

import pytest

from icis.clusters.models import Cluster
from icis.core.scoping import reaches_home_province
from icis.documents.models import Document

from .conftest import PERSONAS, api_client_for

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
    # Pages look the object up before checking the permission, so out of scope is 404 for everyone.
    object_first: bool = False


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
]


def expected_status(user, endpoint: Endpoint, in_scope: bool) -> int:
    if user is None:
        return 401 if endpoint.api else 302
    allowed = user.has_perms(endpoint.perms)
    visible = in_scope or reaches_home_province(user)
    if endpoint.object_first and not visible:
        return 404
    if not allowed:
        return 403
    return endpoint.ok if visible else 404


def call(world, user, endpoint: Endpoint, obj=None):
    url = endpoint.url.format(id=obj.pk) if obj is not None else endpoint.url
    if endpoint.api:
        client = api_client_for(user)
        return getattr(client, endpoint.method)(url, endpoint.payload, format="json")
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return getattr(client, endpoint.method)(url, endpoint.payload or {})


def _in_scope(persona, which):
    scoped = {"commune-official", "investor"}
    if persona in scoped:
        return which == "a"
    return False


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("which", ["a", "b"])
def test_object_endpoint_answers_by_role_and_scope(world, persona, endpoint, which):
    user = world["users"][persona]
    response = call(world, user, endpoint, world[which])
    assert response.status_code == expected_status(user, endpoint, _in_scope(persona, which)), response.content[:300]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=lambda e: e.name)
def test_global_endpoint_answers_by_role(world, persona, endpoint):
    user = world["users"][persona]
    response = call(world, user, endpoint)
    assert response.status_code == expected_status(user, endpoint, in_scope=True)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_lists_never_leak_out_of_scope_rows(world, persona):
    user = world["users"][persona]
    visible = set(Cluster.objects.restrict(user).values_list("pk", flat=True))
    expected = (
        {world["a"].pk, world["b"].pk}
        if reaches_home_province(user)
        else ({world["a"].pk} if _in_scope(persona, "a") else set())
    )
    assert visible == expected
    api_rows = api_client_for(user).get("/api/clusters/").json()["results"]
    assert {row["id"] for row in api_rows} == expected
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = client.get("/clusters/")
    assert {c.pk for c in page.context["object_list"]} == expected
    assert page.context["paginator"].count == len(expected)
    summary = api_client_for(user).get("/api/stats/summary/").json()
    assert summary["total"]["count"] == len(expected)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_document_lists_show_only_documents_of_reachable_clusters_and_general_ones(world, persona):
    user = world["users"][persona]
    docs = world["docs"]
    mine = {d.number for d in docs.values()}  # other general documents (e.g. decrees loaded by migrations) aside
    numbers = {row["number"] for row in api_client_for(user).get("/api/documents/").json()["results"]} & mine
    if reaches_home_province(user):
        assert numbers == {d.number for d in docs.values()}
    elif _in_scope(persona, "a"):
        assert numbers == {docs["a"].number, docs["general"].number}
    else:
        assert numbers == {docs["general"].number}
    assert set(Document.objects.restrict(user).values_list("number", flat=True)) & mine == numbers
