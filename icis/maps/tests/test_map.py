"""The map page and its GeoJSON: only what the user may see, filtered like the list, positions edited
through the registry service (version checked, nothing else changed)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.geo.models import Commune
from icis.testing.factories import api_token, make_cluster, person

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[105.9, 20.7], [105.91, 20.7], [105.91, 20.71], [105.9, 20.7]]]}


def _commune(code):
    return Commune.objects.get(code=code)


def _geojson(client, **params):
    response = client.get("/api/clusters/geojson/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    return response.json()


def test_features_are_points_or_boundaries_and_unplaced_clusters_are_named(api, hanoi):
    make_cluster(name="Đông Phú Yên", latitude=Decimal("20.9"), longitude=Decimal("105.7"), area_ha=30)
    make_cluster(name="Có ranh giới", boundary=SQUARE)
    make_cluster(name="Chưa có vị trí")
    data = _geojson(api)
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert by_name["Đông Phú Yên"]["geometry"] == {"type": "Point", "coordinates": [105.7, 20.9]}
    assert by_name["Đông Phú Yên"]["properties"]["area_ha"] == 30.0
    assert by_name["Có ranh giới"]["geometry"] == SQUARE
    assert [c["name"] for c in data["unplaced"]] == ["Chưa có vị trí"]
    props = by_name["Đông Phú Yên"]["properties"]
    assert props["status"] == "planned" and props["status_colour"].startswith("#")
    assert props["url"] == reverse("clusters:cluster_detail", args=[Cluster.objects.get(name="Đông Phú Yên").pk])
    assert props["occupancy_percent"] is None and props["progress_percent"] is None and props["open_violations"] == 0


def test_the_list_filters_apply(api, hanoi):
    make_cluster(
        name="Đông Phú Yên", status=ClusterStatus.OPERATING, latitude=Decimal("20.9"), longitude=Decimal("105.7")
    )
    make_cluster(name="Phú Xuyên", latitude=Decimal("20.8"), longitude=Decimal("105.8"))
    names = [f["properties"]["name"] for f in _geojson(api, q="dong phu yen")["features"]]
    assert names == ["Đông Phú Yên"]
    names = [f["properties"]["name"] for f in _geojson(api, status="planned")["features"]]
    assert names == ["Phú Xuyên"]


def test_a_bad_filter_is_a_400_naming_it(api, hanoi):
    response = api.get("/api/clusters/geojson/", {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in json.dumps(response.json())


def test_anonymous_gets_nothing(client, hanoi):
    make_cluster(latitude=Decimal("20.9"), longitude=Decimal("105.7"))
    assert client.get("/api/clusters/geojson/").status_code in (401, 403)
    response = client.get("/map/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_commune_official_sees_only_clusters_of_their_commune(client, hanoi):
    mine = make_cluster(
        name="Của xã", communes=[_commune("10273")], latitude=Decimal("20.9"), longitude=Decimal("105.7")
    )
    make_cluster(name="Xã khác", communes=[_commune("10030")], latitude=Decimal("20.8"), longitude=Decimal("105.8"))
    make_cluster(name="Xã khác chưa đặt", communes=[_commune("10030")])
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(official)}")
    data = _geojson(api)
    assert [f["properties"]["code"] for f in data["features"]] == [mine.code]
    assert data["unplaced"] == []


def test_the_page_renders_the_filters_legend_and_settings(page, hanoi, settings):
    settings.ICIS_MAP_TILES_URL = ""
    make_cluster(name="Đông Phú Yên", latitude=Decimal("20.9"), longitude=Decimal("105.7"))
    html = page.get("/map/", {"q": "dong", "colour": "occupancy"}).content.decode()
    assert 'id="cluster-map"' in html and 'data-colour="occupancy"' in html
    settings_json = json.loads(html.split('id="map-settings" type="application/json">')[1].split("</script>")[0])
    assert settings_json["tiles"] == "" and settings_json["data"] == "?q=dong"
    assert "vendor/leaflet/leaflet.js" in html


def test_an_unknown_colouring_falls_back_to_status(page, hanoi):
    html = page.get("/map/", {"colour": "<script>"}).content.decode()
    assert 'data-colour="status"' in html and '<script>"' not in html


def test_placing_a_cluster_changes_only_its_position(page, hanoi):
    cluster = make_cluster(name="Đông Phú Yên", area_ha=30)
    url = reverse("maps:cluster_position", args=[cluster.pk])
    assert page.get(url).status_code == 200
    response = page.post(
        url, {"latitude": "20,912345", "longitude": "105.7", "boundary": "", "version": cluster.version}
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.latitude == Decimal("20.912345") and cluster.longitude == Decimal("105.700000")
    assert cluster.area_ha == Decimal("30") and cluster.name == "Đông Phú Yên"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"latitude": "abc", "longitude": "105.7"}, "latitude"),
        ({"latitude": "91", "longitude": "105.7"}, "latitude"),
        ({"latitude": "20.9", "longitude": ""}, "longitude"),
        ({"latitude": "", "longitude": "", "boundary": "{not json"}, "boundary"),
        ({"latitude": "", "longitude": "", "boundary": '{"type": "Point", "coordinates": [1, 2]}'}, "boundary"),
    ],
)
def test_a_bad_position_is_refused_and_changes_nothing(page, hanoi, data, field):
    cluster = make_cluster(latitude=Decimal("21"), longitude=Decimal("105"))
    response = page.post(
        reverse("maps:cluster_position", args=[cluster.pk]), {"boundary": "", **data, "version": cluster.version}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    cluster.refresh_from_db()
    assert (cluster.latitude, cluster.longitude, cluster.boundary) == (Decimal("21"), Decimal("105"), None)


def test_a_stale_position_edit_is_refused(page, hanoi):
    cluster = make_cluster()
    stale = cluster.version
    page.post(
        reverse("maps:cluster_position", args=[cluster.pk]), {"latitude": "21", "longitude": "105", "version": stale}
    )
    response = page.post(
        reverse("maps:cluster_position", args=[cluster.pk]), {"latitude": "20", "longitude": "104", "version": stale}
    )
    assert response.status_code == 200
    cluster.refresh_from_db()
    assert cluster.latitude == Decimal("21")


def test_positions_are_edited_only_by_who_may_change_the_cluster(client, hanoi):
    cluster = make_cluster(communes=[_commune("10030")])
    official = person("xa", roles.COMMUNE_OFFICIAL, communes=["10273"])
    client.force_login(official)
    url = reverse("maps:cluster_position", args=[cluster.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"latitude": "21", "longitude": "105", "version": cluster.version}).status_code in (
        403,
        404,
    )
    cluster.refresh_from_db()
    assert cluster.latitude is None


def test_occupancy_and_progress_colourings_read_the_registry(api, hanoi, boss):
    import datetime

    from icis.construction.tests.factories import accepted, cluster_with_history
    from icis.tenancy import services as tenancy

    cluster = cluster_with_history(
        established_on="2020-01-01",
        started_on="2021-01-01",
        area_ha=25,
        industrial_land_ha=20,
        latitude=Decimal("20.9"),
        longitude=Decimal("105.7"),
    )
    accepted(cluster, "2024-01-31", 40)
    accepted(cluster, "2024-06-30", 55)
    firm = tenancy.tenant_create(data={"name": "Công ty TNHH Cơ khí Phú Xuyên", "tax_code": "0101234567"}, actor=boss)
    tenancy.project_create(
        data={"cluster": cluster, "tenant": firm, "land_ha": Decimal("5"), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    props = _geojson(api)["features"][0]["properties"]
    assert props["progress_percent"] == 55.0
    assert props["occupancy_percent"] == 25.0
