"""The portal's test world: a published cluster with land, sectors, readiness and a compliant-looking plant;
an unpublished one; confidential markers planted wherever the registry keeps private figures and notes."""

import datetime
from decimal import Decimal

import pytest
from django.core import signing
from django.core.cache import cache, caches

from icis.accounts.models import Organisation
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Sector
from icis.construction import services as construction_services
from icis.construction.tests.factories import accepted
from icis.environment.tests.factories import make_plant
from icis.portal import services
from icis.portal.choices import FieldGroup
from icis.tenancy import services as tenancy_services
from icis.tenancy.models import Submission
from icis.testing.factories import make_cluster, superuser

MARKERS = {
    "cluster_notes": "MARKER-CLUSTER-NOTES-7f3a",
    "verification": "MARKER-VERIFY-19c2",
    "plant_notes": "MARKER-PLANT-NOTES-55e1",
    "obstacle": "MARKER-OBSTACLE-a0b9",
    "revenue": "MARKER-REVENUE-3141",
    "taxes": "MARKER-TAXES-2718",
    "staff": "MARKER-STAFF-1618",
    "tenant_name": "MARKER-TENANT-FIRM-88aa",
    "tenant_phone": "MARKER-PHONE-0909",
    "employees": "987654",
    "report_remarks": "MARKER-REMARKS-4d4d",
    "unpublished": "MARKER-UNPUBLISHED-CLUSTER",
    "enquiry_email": "marker-enquirer@example.org",
    "enquiry_notes": "MARKER-ENQUIRY-NOTES-6c6c",
    "investor_notes": "MARKER-INVESTOR-NOTES-9e9e",
}
ALL_GROUPS = list(FieldGroup.values)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    caches["shared"].clear()
    yield
    cache.clear()


def challenge_answer(token: str) -> str:
    numbers = signing.loads(token, salt=services.CHALLENGE_SALT)
    return str(numbers["a"] + numbers["b"])


@pytest.fixture
def portal_world(hanoi):
    boss = superuser()
    investor = Organisation.objects.create(name="Công ty Hạ tầng Thử", kind="investor", notes=MARKERS["investor_notes"])
    metal = Sector.objects.create(code="c25", name_vi="Sản xuất sản phẩm từ kim loại", name_en="Metal products")
    food = Sector.objects.create(code="c10", name_vi="Chế biến thực phẩm", name_en="Food processing")
    open_cluster = make_cluster(
        name="Cụm công nghiệp Đông Phú Yên",
        name_ascii="Dong Phu Yen",
        status=ClusterStatus.OPERATING,
        status_date=datetime.date(2018, 1, 1),
        area_ha=Decimal("30"),
        industrial_land_ha=Decimal("20"),
        latitude=Decimal("20.9"),
        longitude=Decimal("105.6"),
        investor=investor,
        notes=MARKERS["cluster_notes"],
        needs_verification=True,
        verification_note=MARKERS["verification"],
    )
    open_cluster.sectors.set([metal])
    small = make_cluster(
        name="Cụm công nghiệp Nhỏ",
        status=ClusterStatus.OPERATING,
        status_date=datetime.date(2018, 1, 1),
        industrial_land_ha=Decimal("4"),
    )
    small.sectors.set([metal, food])
    hidden = make_cluster(
        name=MARKERS["unpublished"],
        status=ClusterStatus.OPERATING,
        status_date=datetime.date(2018, 1, 1),
        industrial_land_ha=Decimal("50"),
    )
    hidden.sectors.set([metal])
    accepted(
        open_cluster,
        "2025-06-30",
        "85",
        components={"power": Decimal("100"), "water_supply": Decimal("90"), "internal_roads": Decimal("80")},
        remarks=MARKERS["report_remarks"],
    )
    make_plant(open_cluster, notes=MARKERS["plant_notes"])
    construction_services.obstacle_create(
        cluster=open_cluster,
        data={
            "category": "capital",
            "description": MARKERS["obstacle"],
            "raised_on": datetime.date(2025, 1, 1),
            "responsible_agency": "Sở Tài chính",
        },
        actor=boss,
    )
    tenant = tenancy_services.tenant_create(
        data={"name": MARKERS["tenant_name"], "tax_code": "0101234567", "phone": MARKERS["tenant_phone"]}, actor=boss
    )
    project = tenancy_services.project_create(
        data={
            "cluster": open_cluster,
            "tenant": tenant,
            "land_ha": Decimal("8"),
            "lease_start": datetime.date(2020, 1, 1),
            "employees": int(MARKERS["employees"]),
        },
        actor=boss,
    )
    Submission.objects.create(
        form="01",
        period="2025-Y",
        tenant_project=project,
        cluster=open_cluster,
        data={"revenue": MARKERS["revenue"], "taxes": MARKERS["taxes"], "staff": MARKERS["staff"]},
    )
    services.publication_save(
        cluster=open_cluster,
        data={
            "field_groups": ALL_GROUPS,
            "incentives": "Miễn tiền thuê đất 3 năm đầu.",
            "incentives_en": "No land rent for the first 3 years.",
            "lease_terms": "Thuê đến năm 2068.",
            "lease_price_vnd_m2_year": 1_200_000,
            "contact_name": "Phòng Quản lý Công nghiệp",
            "contact_phone": "024 0000 0000",
            "power_capacity_kva": 5000,
            "wastewater_capacity_m3_day": 800,
        },
        publish=True,
        actor=boss,
    )
    services.publication_save(
        cluster=small, data={"field_groups": [FieldGroup.LAND, FieldGroup.SECTORS]}, publish=True, actor=boss
    )
    return {"open": open_cluster, "small": small, "hidden": hidden, "metal": metal, "food": food, "boss": boss}
