import datetime

import pytest
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind
from icis.clusters.choices import ClusterStatus
from icis.core.testing.factories import api_token, make_cluster, person
from icis.documents.models import Document, DocumentType
from icis.geo.models import Commune

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
