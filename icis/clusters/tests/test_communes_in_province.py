"""A cluster lies in communes of its own province: a commune of another province is refused on the
communes field, naming it, on the page, through the API and in the service, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from icis.clusters import services
from icis.clusters.models import Cluster
from icis.geo.models import Commune, Province
from icis.geo.services import admin_units_load
from icis.geo.tests.test_provinces import TEST_PROVINCE
from icis.testing.factories import make_cluster

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces(hanoi):
    admin_units_load(payload=TEST_PROVINCE)
    return hanoi, Province.objects.get(code="T9")


def test_service_refuses_a_commune_of_another_province_on_create_and_edit(two_provinces, boss):
    hanoi, other = two_provinces
    with pytest.raises(ValidationError) as caught:
        services.cluster_create(
            data={"code": "X-1", "name": "Cụm lạc tỉnh", "province": hanoi},
            actor=boss,
            communes=[Commune.objects.get(code="T9001")],
        )
    error = caught.value.error_dict["communes"][0]
    assert error.code == "commune_outside_province"
    assert "Xã Núi Thử (T9001, Tỉnh Thử Nghiệm (dữ liệu kiểm thử))" in error.message
    assert not Cluster.objects.filter(code="X-1").exists()

    cluster = make_cluster(communes=[Commune.objects.get(code="10273")])
    with pytest.raises(ValidationError) as caught:
        services.cluster_update(
            cluster=cluster, data={}, actor=boss, communes=[Commune.objects.get(code="T9001")], expected_version=1
        )
    assert caught.value.error_dict["communes"][0].code == "commune_outside_province"
    # Moving the cluster to another province while it keeps Hanoi's commune is refused the same way.
    with pytest.raises(ValidationError) as caught:
        services.cluster_update(cluster=cluster, data={"province": other}, actor=boss, expected_version=1)
    assert "Xã Phú Xuyên (10273" in caught.value.error_dict["communes"][0].message
    cluster.refresh_from_db()
    assert (cluster.province_id, cluster.version) == ("01", 1)
    assert list(cluster.communes.values_list("code", flat=True)) == ["10273"]
    # Moved together with a commune of the new province: accepted.
    services.cluster_update(
        cluster=cluster,
        data={"province": other},
        actor=boss,
        expected_version=1,
        communes=[Commune.objects.get(code="T9001")],
    )
    assert list(cluster.communes.values_list("code", flat=True)) == ["T9001"]


def test_page_refuses_a_commune_of_another_province_on_the_communes_field(two_provinces, page):
    response = page.post(
        "/clusters/new/",
        {"code": "X-2", "name": "Cụm lạc tỉnh", "kind": "general", "province": "01", "communes": ["T9001"]},
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "field-error" in html and "Xã Núi Thử" in html
    assert not Cluster.objects.filter(code="X-2").exists()

    cluster = make_cluster(communes=[Commune.objects.get(code="10273")])
    url = reverse("clusters:cluster_edit", args=[cluster.pk])
    base = {"code": cluster.code, "name": cluster.name, "kind": "general", "province": "01", "version": 1}
    response = page.post(url, {**base, "communes": ["10273", "T9001"]})
    assert response.status_code in (200, 400) and "Xã Núi Thử" in response.content.decode()
    assert list(cluster.communes.values_list("code", flat=True)) == ["10273"]


def test_api_refuses_a_commune_of_another_province_naming_the_field(two_provinces, api):
    response = api.post("/api/clusters/", {"code": "X-3", "name": "Cụm lạc tỉnh", "communes": ["T9001"]}, format="json")
    assert response.status_code == 400
    errors = {error["field"]: error for error in response.json()["errors"]}
    assert errors["communes"]["code"] == "commune_outside_province"
    assert not Cluster.objects.filter(code="X-3").exists()

    cluster = make_cluster(communes=[Commune.objects.get(code="10273")])
    response = api.patch(f"/api/clusters/{cluster.pk}/", {"communes": ["T9001"]}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["communes"]
    assert list(cluster.communes.values_list("code", flat=True)) == ["10273"]
