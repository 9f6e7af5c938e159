"""Issue 10, finding 8: a cluster's industrial land cannot drop below the land leased, on the page,
in the API and in the service (the mirror image of the lease refusal, which names the land left)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from icis.clusters import services as cluster_services
from icis.clusters.models import Cluster
from icis.tenancy import services
from icis.tenancy.choices import ProjectStatus
from icis.testing.factories import english

from .conftest import other_tenant, project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


@pytest.fixture
def leased(cluster20, tenant, boss):
    """8.64 ha leased in a cluster of 20 ha industrial land (the probe's 7.64 against 8.64)."""
    project(cluster20, tenant, "5", boss)
    project(cluster20, other_tenant(boss), "3.64", boss)
    return cluster20


def test_the_api_refuses_industrial_land_below_the_land_leased(api, leased):
    response = api.patch(f"/api/clusters/{leased.pk}/", {"industrial_land_ha": "7.64"}, format="json")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("industrial_land_ha", "below_leased_land")
    assert "8.64 ha" in error["message"] and "7.64 ha" in error["message"] and leased.name in error["message"]
    fresh = Cluster.objects.get(pk=leased.pk)
    assert (fresh.industrial_land_ha, fresh.version) == (Decimal("20"), leased.version)


def test_industrial_land_may_shrink_to_exactly_the_land_leased(api, leased):
    response = api.patch(f"/api/clusters/{leased.pk}/", {"industrial_land_ha": "8.64"}, format="json")
    assert response.status_code == 200, response.content
    assert Cluster.objects.get(pk=leased.pk).industrial_land_ha == Decimal("8.64")


def test_industrial_land_cannot_be_blanked_while_land_is_leased(api, leased):
    response = api.patch(f"/api/clusters/{leased.pk}/", {"industrial_land_ha": None}, format="json")
    assert response.status_code == 400
    assert "8.64 ha" in response.json()["detail"]
    assert Cluster.objects.get(pk=leased.pk).industrial_land_ha == Decimal("20")


def test_the_service_refuses_it_for_every_caller(leased, boss):
    with pytest.raises(ValidationError) as caught:
        cluster_services.cluster_update(cluster=leased, data={"industrial_land_ha": Decimal("1")}, actor=boss)
    assert caught.value.error_dict["industrial_land_ha"][0].code == "below_leased_land"


def test_land_of_tenants_who_left_no_longer_holds_it_up(leased, boss):
    gone = leased.tenant_projects.get(land_ha=Decimal("5"))
    services.project_transition(
        project=gone, to_status=ProjectStatus.LEFT, effective_on=datetime.date(2025, 1, 1), actor=boss
    )
    updated = cluster_services.cluster_update(cluster=leased, data={"industrial_land_ha": Decimal("3.64")}, actor=boss)
    assert updated.industrial_land_ha == Decimal("3.64")


def test_a_cluster_without_tenants_may_change_its_land_freely(cluster20, boss):
    updated = cluster_services.cluster_update(cluster=cluster20, data={"industrial_land_ha": None}, actor=boss)
    assert updated.industrial_land_ha is None


def test_the_edit_page_shows_the_refusal_on_the_field(page, leased):
    data = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(leased).items()
        if key not in ("id", "communes", "legacy_communes", "sectors", "boundary")
    }
    data.update(industrial_land_ha="7.64", version=leased.version)
    response = page.post(f"/clusters/{leased.pk}/edit/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors["industrial_land_ha"]
    assert any("8.64 ha" in message for message in errors), errors
    assert Cluster.objects.get(pk=leased.pk).industrial_land_ha == Decimal("20")


def test_the_administration_keeps_the_floor_too(leased):
    from django.forms.models import modelform_factory

    from icis.clusters.admin import ClusterAdminForm

    form_class = modelform_factory(Cluster, form=ClusterAdminForm, fields=["industrial_land_ha"])
    form = form_class({"industrial_land_ha": "7.64"}, instance=leased)
    assert not form.is_valid()
    assert "8.64 ha" in form.errors["industrial_land_ha"][0]
    assert form_class({"industrial_land_ha": "9"}, instance=leased).is_valid()
