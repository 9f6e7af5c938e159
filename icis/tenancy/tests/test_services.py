import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from icis.tenancy import selectors, services
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import Tenant, TenantProject

from .conftest import other_tenant, project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("tax_code", ["0101234567", "0101234567-001"])
def test_valid_tax_codes_are_accepted(boss, tax_code):
    assert services.tenant_create(data={"name": "A", "tax_code": tax_code}, actor=boss).pk


@pytest.mark.parametrize("tax_code", ["123", "01012345678", "0101234567-1", "0101234567_001", "ABCDEFGHIJ", ""])
def test_invalid_tax_codes_are_refused_and_nothing_is_written(boss, tax_code):
    with pytest.raises(ValidationError) as caught:
        services.tenant_create(data={"name": "A", "tax_code": tax_code}, actor=boss)
    assert "tax_code" in caught.value.message_dict
    assert not Tenant.objects.exists()


def test_acceptance_5_and_3_ha_of_20_is_40_percent_and_13_more_is_refused_naming_12_left(cluster20, tenant, boss):
    project(cluster20, tenant, 5, boss)
    project(cluster20, other_tenant(boss), 3, boss)
    occupancy = selectors.cluster_occupancy(cluster20)
    assert occupancy["occupancy_rate"] == Decimal("40.00")
    with pytest.raises(ValidationError) as caught:
        project(cluster20, other_tenant(boss, 3), 13, boss)
    message = " ".join(caught.value.message_dict["land_ha"])
    assert "12" in message and caught.value.error_dict["land_ha"][0].code == "exceeds_industrial_land"
    assert TenantProject.objects.count() == 2


def test_a_cluster_without_industrial_land_takes_no_projects(hanoi, tenant, boss):
    from icis.testing.factories import make_cluster

    cluster = make_cluster(area_ha=10)
    with pytest.raises(ValidationError) as caught:
        project(cluster, tenant, 1, boss)
    assert caught.value.error_dict["cluster"][0].code == "no_industrial_land"


def test_growing_a_project_beyond_the_land_left_is_refused(cluster20, tenant, boss):
    first = project(cluster20, tenant, 15, boss)
    with pytest.raises(ValidationError):
        services.project_update(project=first, data={"land_ha": Decimal("21")}, actor=boss)
    assert TenantProject.objects.get(pk=first.pk).land_ha == 15


def test_land_of_a_tenant_that_left_is_free_again(cluster20, tenant, boss):
    first = project(cluster20, tenant, 15, boss)
    services.project_transition(
        project=first, to_status=ProjectStatus.LEFT, effective_on=datetime.date(2025, 1, 1), actor=boss
    )
    project(cluster20, other_tenant(boss), 18, boss)


def test_lease_must_end_after_it_starts_and_a_start_is_needed(cluster20, tenant, boss):
    with pytest.raises(ValidationError) as caught:
        project(cluster20, tenant, 1, boss, lease_end=datetime.date(2023, 1, 1))
    assert "lease_end" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.project_create(data={"cluster": cluster20, "tenant": tenant, "land_ha": Decimal(1)}, actor=boss)
    assert "lease_start" in caught.value.message_dict


def test_occupancy_as_of_a_date_counts_only_leases_running_then(cluster20, tenant, boss):
    project(cluster20, tenant, 4, boss, lease_start=datetime.date(2020, 1, 1), lease_end=datetime.date(2022, 12, 31))
    project(cluster20, other_tenant(boss), 6, boss, lease_start=datetime.date(2023, 6, 1))
    project(cluster20, other_tenant(boss, 4), 2, boss, lease_start=None, approval_date=datetime.date(2021, 3, 1))

    def rate(day):
        return selectors.cluster_occupancy(cluster20, as_of=day)["occupancy_rate"]

    assert rate(datetime.date(2019, 12, 31)) == 0
    assert rate(datetime.date(2021, 6, 1)) == Decimal("30.00")  # 4 + 2 (approval counts)
    assert rate(datetime.date(2022, 12, 31)) == Decimal("30.00")  # a lease ending that day still counts
    assert rate(datetime.date(2023, 1, 1)) == Decimal("10.00")
    assert rate(datetime.date(2024, 1, 1)) == Decimal("40.00")


def test_occupancy_over_cleared_land_is_shown_while_clearance_is_incomplete(cluster20, tenant, boss):
    from icis.tenancy.models import LandClearance

    project(cluster20, tenant, 5, boss)
    LandClearance.objects.create(cluster=cluster20, as_of=datetime.date(2024, 1, 1), cleared_industrial_land_ha=10)
    occupancy = selectors.cluster_occupancy(cluster20)
    assert occupancy["occupancy_rate"] == Decimal("25.00")
    assert occupancy["occupancy_rate_over_cleared"] == Decimal("50.00")


def test_occupancy_table_groups_by_commune_district_and_city(hanoi, tenant, boss):
    from icis.clusters.models import Cluster
    from icis.geo.models import Commune, LegacyDistrict
    from icis.testing.factories import make_cluster

    a = make_cluster(
        industrial_land_ha=10,
        area_ha=10,
        legacy_district=LegacyDistrict.objects.get(code="280"),
        communes=[Commune.objects.get(code="10273")],
    )
    b = make_cluster(
        industrial_land_ha=30,
        area_ha=30,
        legacy_district=LegacyDistrict.objects.get(code="277"),
        communes=[Commune.objects.get(code="10030")],
    )
    project(a, tenant, 10, boss)
    project(b, other_tenant(boss), 3, boss)
    city = selectors.occupancy_table(clusters=Cluster.objects.all(), group_by="city")[0]
    assert (city["occupied_ha"], city["industrial_land_ha"], city["occupancy_rate"]) == (13, 40, Decimal("32.50"))
    assert city["mean_cluster_rate"] == Decimal("55.00")
    by_commune = {
        row["key"]: row["occupancy_rate"]
        for row in selectors.occupancy_table(clusters=Cluster.objects.all(), group_by="commune")
    }
    assert by_commune == {"10273": Decimal("100.00"), "10030": Decimal("10.00")}
    by_district = {
        row["key"]: row["occupancy_rate"]
        for row in selectors.occupancy_table(clusters=Cluster.objects.all(), group_by="legacy_district")
    }
    assert by_district == {"280": Decimal("100.00"), "277": Decimal("10.00")}
