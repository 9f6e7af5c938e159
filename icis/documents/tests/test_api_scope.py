"""The documents API names only the clusters the user reaches, as the pages do: in its answers, in the
`cluster` filter and in the links it accepts (icis.documents.selectors)."""

import pytest
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.documents import services
from icis.geo.models import Commune
from icis.testing.factories import api_token, make_cluster, person

pytestmark = pytest.mark.django_db


def test_a_commune_official_sees_only_the_clusters_of_their_commune(hanoi, boss):
    mine = make_cluster(name="Của xã", communes=[Commune.objects.get(code="10273")])
    theirs = make_cluster(name="Xã khác", communes=[Commune.objects.get(code="10030")])
    document = services.document_create(
        data={"doc_type": "decision", "number": "7/QĐ", "year": 2022, "issuer": "UBND"},
        actor=boss,
        clusters=[mine, theirs],
    )
    only_theirs = services.document_create(
        data={"doc_type": "decision", "number": "8/QĐ", "year": 2022, "issuer": "UBND"},
        actor=boss,
        clusters=[theirs],
    )
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(official)}")

    assert api.get(f"/api/documents/{document.pk}/").json()["clusters"] == [mine.pk]
    listed = {row["number"]: row["clusters"] for row in api.get("/api/documents/").json()["results"]}
    assert listed["7/QĐ"] == [mine.pk] and "8/QĐ" not in listed  # (general documents are listed too)
    assert api.get(f"/api/documents/{only_theirs.pk}/").status_code == 404
    # A cluster out of reach is as if it did not exist: the filter on it matches nothing.
    assert api.get("/api/documents/", {"cluster": theirs.pk}).json()["count"] == 0
    assert [r["number"] for r in api.get("/api/documents/", {"cluster": mine.pk}).json()["results"]] == ["7/QĐ"]
    # Everything stays linked for those who reach it.
    assert set(document.clusters.all()) == {mine, theirs}
    boss_api = APIClient()
    boss_api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(boss)}")
    assert sorted(boss_api.get(f"/api/documents/{document.pk}/").json()["clusters"]) == sorted([mine.pk, theirs.pk])
    assert boss_api.get("/api/documents/", {"cluster": theirs.pk}).json()["count"] == 2


def test_the_api_links_only_clusters_the_user_may_change(api, hanoi):
    from icis.documents.models import Document

    reachable = make_cluster(name="Được")
    response = api.post(
        "/api/documents/",
        {"doc_type": "decision", "number": "11/QĐ", "year": 2023, "issuer": "UBND", "clusters": [reachable.pk]},
        format="json",
    )
    assert response.status_code == 201 and response.json()["clusters"] == [reachable.pk]
    response = api.post(
        "/api/documents/",
        {"doc_type": "decision", "number": "12/QĐ", "year": 2023, "issuer": "UBND", "clusters": [999999]},
        format="json",
    )
    assert response.status_code == 400 and "clusters" in response.content.decode()
    assert not Document.objects.filter(number="12/QĐ").exists()
