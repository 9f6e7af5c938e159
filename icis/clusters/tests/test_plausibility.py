"""Plausibility, not silence: figures breaking a rule of Decree 32 are saved only once confirmed, with
the rule named; the dashboard lists them for verification."""

from decimal import Decimal

import pytest
from django.urls import reverse

from icis.clusters.choices import ClusterKind
from icis.clusters.models import Cluster
from icis.testing.factories import make_cluster
from icis.testing.forms import browser_post

pytestmark = pytest.mark.django_db


def edit(page, cluster, **changes):
    url = reverse("clusters:cluster_edit", args=[cluster.pk])
    data = browser_post(page.get(url).context["form"])
    data.update(changes)
    return page.post(url, data)


def test_an_area_above_75_ha_needs_confirmation_and_names_the_rule(page, hanoi):
    cluster = make_cluster(area_ha=50)
    refused = edit(page, cluster, area_ha="80")
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Điều 2 khoản 1" in html and "75 ha" in html
    assert Cluster.objects.get(pk=cluster.pk).area_ha == 50

    saved = edit(page, cluster, area_ha="80", confirm_warnings="on")
    assert saved.status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).area_ha == 80
    shown = page.get(saved["Location"]).content.decode()
    assert "Điều 2 khoản 1" in shown


def test_craft_village_clusters_have_a_5_ha_floor(page, hanoi):
    cluster = make_cluster(area_ha=20, kind=ClusterKind.CRAFT_VILLAGE)
    assert edit(page, cluster, area_ha="6").status_code == 302
    assert edit(page, cluster, area_ha="4.99").status_code == 200
    general = make_cluster(area_ha=20)
    assert edit(page, general, area_ha="6").status_code == 200


def test_industrial_land_above_area_is_a_confirmed_warning_not_a_refusal(api, hanoi):
    cluster = make_cluster(area_ha=20, industrial_land_ha=14)
    url = f"/api/clusters/{cluster.pk}/"
    refused = api.patch(url, {"industrial_land_ha": "25"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "industrial_land_above_area"
    assert "Điều 2 khoản 6" in refused.json()["errors"][0]["message"]
    saved = api.patch(url, {"industrial_land_ha": "25", "confirm_warnings": True}, format="json")
    assert saved.status_code == 200
    assert [w["code"] for w in saved.json()["warnings"]] == ["industrial_land_above_area"]
    assert Cluster.objects.get(pk=cluster.pk).industrial_land_ha == Decimal("25")


def test_a_legacy_figure_does_not_block_unrelated_edits(page, hanoi):
    cluster = make_cluster(area_ha=120)  # recorded before the decree, kept (Art 35.1)
    assert edit(page, cluster, notes="ghi chú").status_code == 302
    assert Cluster.objects.get(pk=cluster.pk).notes == "ghi chú"


def test_the_dashboard_lists_figures_that_break_a_rule(page, hanoi):
    big = make_cluster(name="Cụm rất rộng", area_ha=120)
    make_cluster(name="Cụm bình thường", area_ha=30, industrial_land_ha=20)
    html = page.get("/").content.decode()
    assert 'id="implausible-count">1<' in html
    assert reverse("clusters:cluster_detail", args=[big.pk]) in html.split('id="implausible"')[1]


def test_a_lease_dated_before_the_cluster_was_established_needs_confirmation(api, hanoi):
    import datetime

    from icis.clusters.choices import ClusterStatus
    from icis.tenancy import services as tenancy

    cluster = make_cluster(
        status=ClusterStatus.ESTABLISHED, status_date=datetime.date(2019, 3, 1), area_ha=30, industrial_land_ha=20
    )
    tenant = tenancy.tenant_create(data={"name": "Công ty TNHH Thử", "tax_code": "0101234567"}, actor=None)
    body = {"cluster": cluster.pk, "tenant": tenant.pk, "land_ha": "2", "lease_start": "2018-06-01"}
    refused = api.post("/api/tenant-projects/", body, format="json")
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["field"] == "lease_start" and error["code"] == "date_before_establishment"
    assert "01/03/2019" in error["message"] and "Điều 2 khoản 9" in error["message"]
    assert api.post("/api/tenant-projects/", {**body, "confirm_warnings": True}, format="json").status_code == 201
    after = api.post("/api/tenant-projects/", {**body, "lease_start": "2019-03-01"}, format="json")
    assert after.status_code == 201
