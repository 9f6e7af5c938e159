import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from icis.clusters.choices import ClusterKind, ClusterStatus, CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.documents.models import Document
from icis.geo.models import Commune, LegacyDistrict
from icis.testing.factories import make_cluster, superuser

pytestmark = pytest.mark.django_db

LIST = "/api/clusters/"


def detail(cluster):
    return f"/api/clusters/{cluster.pk}/"


def test_token_endpoint_gives_a_token_that_authenticates(hanoi, boss):
    boss.set_password("a-long-password-1")
    boss.save()
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": boss.username, "password": "a-long-password-1"}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(LIST).status_code == 200


def test_wrong_password_gets_no_token(boss):
    response = APIClient().post("/api/auth/token/", {"username": boss.username, "password": "nope"}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("url", [LIST, "/api/documents/", "/api/stats/summary/", "/api/clusters/1/history/"])
def test_anonymous_calls_are_refused(db, url):
    assert APIClient().get(url).status_code in (401, 403)


def test_list_is_paginated_with_the_standard_envelope(api, hanoi):
    make_cluster(name="Đông Phú Yên")
    body = api.get(LIST).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1


@pytest.mark.parametrize("query", ["dong phu yen", "DONG PHU YEN", "Đông Phú Yên", "đông phú", "phu yen"])
def test_search_ignores_diacritics_and_case(api, hanoi, query):
    make_cluster(name="Đông Phú Yên", name_ascii="")
    make_cluster(name="Phú Xuyên", name_ascii="")
    names = [row["name"] for row in api.get(LIST, {"q": query}).json()["results"]]
    assert names == ["Đông Phú Yên"]


def test_filters_by_status_repeatable_kind_district_commune_and_verification(api, hanoi):
    phu_xuyen = LegacyDistrict.objects.get(code="280")
    a = make_cluster(status=ClusterStatus.PLANNED, legacy_district=phu_xuyen, needs_verification=True)
    b = make_cluster(
        status=ClusterStatus.OPERATING,
        kind=ClusterKind.CRAFT_VILLAGE,
        communes=[Commune.objects.get(code="10273")],
    )
    c = make_cluster(status=ClusterStatus.PROPOSED)
    ClusterCommune.objects.create(cluster=c, commune_id="10273", basis=CommuneBasis.SUGGESTED)

    def ids(**params):
        return sorted(row["id"] for row in api.get(LIST, params).json()["results"])

    assert ids(status=["planned", "operating"]) == sorted([a.pk, b.pk])
    assert ids(kind="craft_village") == [b.pk]
    assert ids(legacy_district="280") == [a.pk]
    assert ids(commune="10273") == [b.pk]
    assert ids(commune="10273", include_suggested="true") == sorted([b.pk, c.pk])
    assert ids(needs_verification="true") == [a.pk]


def test_unknown_filter_values_are_a_400_not_an_empty_list(api, hanoi):
    assert api.get(LIST, {"commune": "99999"}).status_code == 400
    assert api.get(LIST, {"status": "flying"}).status_code == 400


def test_create_and_patch_a_cluster(api, hanoi):
    payload = {
        "code": "HN-900",
        "name": "Thử nghiệm",
        "name_ascii": "Thu nghiem",
        "kind": "general",
        "legacy_district": "280",
        "communes": ["10273"],
        "area_ha": "12.5",
        "industrial_land_ha": "9",
        "latitude": 20.73,
        "longitude": 105.91,
    }
    created = api.post(LIST, payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "planned" and body["communes"] == ["10273"] and body["area_ha"] == 12.5
    cluster = Cluster.objects.get(pk=body["id"])
    patched = api.patch(detail(cluster), {"area_ha": 14, "communes": []}, format="json")
    assert patched.status_code == 200
    assert patched.json()["area_ha"] == 14 and patched.json()["communes"] == []


def test_status_is_read_only_in_the_api(api, hanoi):
    cluster = make_cluster()
    api.patch(detail(cluster), {"status": "operating"}, format="json")
    assert Cluster.objects.get(pk=cluster.pk).status == ClusterStatus.PLANNED


BAD_PAYLOADS = [
    ({"area_ha": -1}, "area_ha"),
    ({"area_ha": "ten"}, "area_ha"),
    ({"industrial_land_ha": 30}, "industrial_land_ha"),
    ({"communes": ["99999"]}, "communes"),
    ({"communes": "10273"}, "communes"),
    ({"legacy_district": "999"}, "legacy_district"),
    ({"latitude": 123}, "latitude"),
    ({"boundary": {"type": "Point", "coordinates": [1, 2]}}, "boundary"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_PAYLOADS)
def test_bad_patch_is_400_naming_the_field_and_writes_nothing(api, hanoi, payload, field):
    cluster = make_cluster(area_ha=20)
    before = api.get(detail(cluster)).json()
    response = api.patch(detail(cluster), payload, format="json")
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]], response.json()
    assert api.get(detail(cluster)).json() == before


@pytest.mark.parametrize(("payload", "field"), BAD_PAYLOADS)
def test_bad_create_is_400_and_writes_nothing(api, hanoi, payload, field):
    base = {"code": "HN-901", "name": "Sai", "area_ha": 20}
    response = api.post(LIST, {**base, **payload}, format="json")
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Cluster.objects.filter(code="HN-901").exists()


def test_malformed_json_is_400_and_writes_nothing(api, hanoi):
    cluster = make_cluster(area_ha=20)
    response = api.generic("PATCH", detail(cluster), '{"area_ha": 5', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert Cluster.objects.get(pk=cluster.pk).area_ha == 20


def test_transition_changes_status_and_returns_the_cluster(api, hanoi):
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2016, 1, 1))
    response = api.post(
        f"{detail(cluster)}transition/",
        {"to": "established", "date": "2017-12-29", "reason": "QĐ thành lập"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "established"
    assert response.json()["status_since"] == "2017-12-29"


def test_refused_transition_is_400_naming_the_allowed_next_states(api, hanoi):
    cluster = make_cluster(status=ClusterStatus.PLANNED)
    response = api.post(
        f"{detail(cluster)}transition/",
        {"to": "operating", "date": "2021-01-01", "reason": "skip"},
        format="json",
    )
    assert response.status_code == 400
    detail_text = response.json()["detail"]
    assert "established" in detail_text and "removed" in detail_text
    assert response.json()["errors"][0]["field"] == "to"
    assert StatusChange.objects.filter(cluster=cluster).count() == 1


@pytest.mark.parametrize(
    "payload", [{}, {"to": "established"}, {"to": "established", "date": "31/12/2020", "reason": "x"}]
)
def test_incomplete_transition_is_400(api, hanoi, payload):
    cluster = make_cluster()
    assert api.post(f"{detail(cluster)}transition/", payload, format="json").status_code == 400
    assert Cluster.objects.get(pk=cluster.pk).status == ClusterStatus.PLANNED


def test_history_lists_lifecycle_and_field_changes_newest_first(api, hanoi):
    cluster = make_cluster(area_ha=10)
    api.patch(detail(cluster), {"area_ha": 11}, format="json")
    api.post(
        f"{detail(cluster)}transition/",
        {"to": "established", "date": "2021-01-01", "reason": "QĐ"},
        format="json",
    )
    history = api.get(f"{detail(cluster)}history/").json()
    assert history[0]["type"] == "status" and history[0]["to_status"] == "established"
    change = next(entry for entry in history if entry["type"] == "change" and entry["action"] == "update")
    assert {"field": "area_ha", "old": "10.0000", "new": "11.0000"} in change["changes"]
    assert change["user"] == "boss" and change["via"] == "api"
    stamps = [entry["at"] for entry in history]
    assert stamps == sorted(stamps, reverse=True)


def test_documents_are_created_listed_and_linked_to_clusters(api, hanoi):
    cluster = make_cluster()
    payload = {
        "doc_type": "decision",
        "number": "1292/QĐ-UBND",
        "issued_on": "2018-03-19",
        "issuer": "UBND Thành phố Hà Nội",
        "clusters": [cluster.pk],
    }
    created = api.post("/api/documents/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["year"] == 2018
    assert [d["number"] for d in api.get(f"{detail(cluster)}documents/").json()["results"]] == ["1292/QĐ-UBND"]
    assert api.get("/api/documents/", {"q": "1292"}).json()["count"] == 1
    duplicate = api.post("/api/documents/", payload, format="json")
    assert duplicate.status_code == 400
    other_year = api.post("/api/documents/", {**payload, "issued_on": "2019-01-02"}, format="json")
    assert other_year.status_code == 201
    assert Document.objects.filter(number="1292/QĐ-UBND").count() == 2


def test_summary_counts_area_by_status_with_plan_totals_and_as_of(api, hanoi, boss):
    cluster = make_cluster(status=ClusterStatus.PLANNED, status_date=datetime.date(2018, 1, 1), area_ha=10)
    api.post(
        f"{detail(cluster)}transition/",
        {"to": "established", "date": "2020-05-05", "reason": "QĐ"},
        format="json",
    )
    now = api.get("/api/stats/summary/").json()
    assert now["by_status"]["established"] == {"count": 1, "area_ha": 10.0, "area_unknown": 0}
    then = api.get("/api/stats/summary/", {"as_of": "2019-01-01"}).json()
    assert then["by_status"]["planned"]["count"] == 1 and then["by_status"]["established"]["count"] == 0
    assert api.get("/api/stats/summary/", {"as_of": "yesterday"}).status_code == 400
    assert "plan" in now


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [LIST, f"{LIST}?q=cum", "/api/stats/summary/", "/api/stats/summary/?as_of=2024-01-01"])
def test_query_count_does_not_grow_with_the_number_of_clusters(api, hanoi, url):
    for _ in range(3):
        make_cluster(communes=[Commune.objects.get(code="10273")])
    few = _count_queries(api, url)
    for _ in range(20):
        make_cluster(communes=[Commune.objects.get(code="10030")])
    assert _count_queries(api, url) == few
    assert few <= 12


def test_openapi_schema_and_local_docs_are_served(api, db):
    schema = api.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/clusters/",
        "/api/clusters/{id}/transition/",
        "/api/clusters/{id}/history/",
        "/api/stats/summary/",
        "/api/documents/",
        "/api/auth/token/",
    ]:
        assert path in paths
    docs = api.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower() and "https://" not in docs


def test_superuser_fixture_is_not_created_by_migrations(db):
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="admin").exists()
    assert superuser().is_superuser
