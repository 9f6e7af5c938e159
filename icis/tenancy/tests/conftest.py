import datetime
from decimal import Decimal

import pytest

from icis.clusters.choices import ClusterStatus
from icis.tenancy import services
from icis.tenancy.models import Tenant
from icis.testing.factories import make_cluster


@pytest.fixture
def cluster20(hanoi, boss):
    """An operating cluster with 20 ha of industrial land (the issue's acceptance example)."""
    return make_cluster(name="Cụm 20 ha", status=ClusterStatus.OPERATING, area_ha=25, industrial_land_ha=20)


@pytest.fixture
def tenant(boss):
    return services.tenant_create(data={"name": "Công ty TNHH Cơ khí Phú Xuyên", "tax_code": "0101234567"}, actor=boss)


def project(cluster, tenant, land, actor, **extra):
    data = {
        "cluster": cluster,
        "tenant": tenant,
        "land_ha": Decimal(str(land)),
        "lease_start": datetime.date(2024, 1, 1),
        **extra,
    }
    return services.project_create(data=data, actor=actor)


def other_tenant(actor, n=2):
    return Tenant.objects.get_or_create(tax_code=f"010123456{n}", defaults={"name": f"Công ty {n}"})[0]
