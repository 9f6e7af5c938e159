"""The personas of the permission matrix: one user per role, a cluster in and one out of their scope.

The fixtures `world` and `linked` are offered to every test module by icis/conftest.py.
"""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind
from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.documents.models import Document, DocumentType
from icis.geo.models import Commune
from icis.testing.factories import api_token, make_cluster, person

# Every role, plus a signed-in user with no role, plus nobody signed in.
PERSONAS = [role.name for role in roles.ROLES] + ["no-role", "anonymous"]


@pytest.fixture
def world(hanoi, boss):
    """Cluster A in Xã Phú Xuyên, invested in by organisation X; cluster B elsewhere; one person per role."""
    investor_x = Organisation.objects.create(name="Investor X", kind=OrganisationKind.INVESTOR)
    investor_y = Organisation.objects.create(name="Investor Y", kind=OrganisationKind.INVESTOR)
    a = make_cluster(
        name="Cụm A",
        status=ClusterStatus.PLANNED,
        status_date=datetime.date(2019, 1, 1),
        area_ha=20,
        investor=investor_x,
        communes=[Commune.objects.get(code="10273")],
    )
    b = make_cluster(
        name="Cụm B",
        status=ClusterStatus.PLANNED,
        status_date=datetime.date(2019, 1, 1),
        area_ha=20,
        investor=investor_y,
        communes=[Commune.objects.get(code="10030")],
    )
    doc_a = Document.objects.create(doc_type=DocumentType.DECISION, number="1/QĐ-A", year=2020, issuer="UBND")
    doc_b = Document.objects.create(doc_type=DocumentType.DECISION, number="1/QĐ-B", year=2020, issuer="UBND")
    general = Document.objects.create(doc_type=DocumentType.PLAN, number="305/KH-UBND", year=2025, issuer="UBND")
    a.documents.add(doc_a)
    b.documents.add(doc_b)
    users = {}
    for role in roles.ROLES:
        extra = {}
        if role is roles.COMMUNE_OFFICIAL:
            extra["communes"] = ["10273"]
        if role is roles.INVESTOR:
            extra["organisation"] = investor_x
        users[role.name] = person(role.name, role, **extra)
    users["no-role"] = person("no-role")
    users["anonymous"] = None
    return {
        "a": a,
        "b": b,
        "docs": {"a": doc_a, "b": doc_b, "general": general},
        "users": users,
        "investor_x": investor_x,
    }


def api_client_for(user):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def linked(world, boss):
    """The world with something to link to on both sides: clusters A (in scope of the commune official
    and investor X) and B (out of it) each get industrial land, a leasing firm and a plant; a public
    body exists; the tenant persona is firm A's user."""
    from icis.environment.tests.factories import make_plant
    from icis.tenancy import services as tenancy_services

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
