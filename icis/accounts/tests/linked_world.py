"""The permission-matrix world with something to link to on both sides: clusters A (in scope of the
commune official and investor X) and B (out of it) each get industrial land, a leasing firm, a plant
and documents; a public body exists; the tenant persona is firm A's user."""

import datetime
from decimal import Decimal

import pytest

from icis.accounts.models import Organisation, OrganisationKind
from icis.clusters import services as cluster_services
from icis.environment.tests.factories import make_plant
from icis.tenancy import services as tenancy_services


@pytest.fixture
def linked(world, boss):
    for key in ("a", "b"):
        world[key] = cluster_services.cluster_update(
            cluster=world[key], data={"industrial_land_ha": Decimal("10")}, actor=boss
        )
    firm_org = Organisation.objects.create(name="Công ty A (doanh nghiệp thứ cấp)", kind=OrganisationKind.OTHER)
    firms = {
        "a": tenancy_services.tenant_create(
            data={
                "name": "Công ty A",
                "tax_code": "0100000001",
                "email": "a@example.vn",
                "contact_name": "Chị An",
                "organisation": firm_org,
            },
            actor=boss,
        ),
        "b": tenancy_services.tenant_create(
            data={"name": "Công ty B", "tax_code": "0100000002", "email": "b@example.vn", "contact_name": "Anh Bình"},
            actor=boss,
        ),
    }
    projects = {
        key: tenancy_services.project_create(
            data={
                "cluster": world[key],
                "tenant": firms[key],
                "land_ha": Decimal("4"),
                "lease_start": datetime.date(2024, 1, 1),
            },
            actor=boss,
        )
        for key in ("a", "b")
    }
    tenant_user = world["users"]["tenant"]
    tenant_user.organisation = firm_org
    tenant_user.save()
    world.update(
        firms=firms,
        projects=projects,
        plants={key: make_plant(world[key], name=f"Trạm {key.upper()}") for key in ("a", "b")},
        public_body=Organisation.objects.create(name="UBND xã Phú Xuyên", kind=OrganisationKind.PEOPLES_COMMITTEE),
        firm_org=firm_org,
    )
    return world
