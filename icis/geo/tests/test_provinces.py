"""Several provinces in one system: a provincial DoIT officer sees nothing of another province; the
national (MoIT) role sees all, switches between them, and its Form 04 is the sum of the provinces'."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.accounts.models import Organisation, OrganisationKind, Scope
from icis.clusters import services as cluster_services
from icis.clusters.choices import ClusterStatus
from icis.clusters.models import Cluster
from icis.documents.models import Document, DocumentType
from icis.geo.models import Commune, Province
from icis.geo.services import admin_units_load
from icis.planning.models import AnnualPlan, DevelopmentPlan
from icis.tenancy import services as tenancy_services
from icis.tenancy.choices import ProjectStatus
from icis.tenancy.models import Tenant
from icis.testing.factories import api_token, make_cluster, person

pytestmark = pytest.mark.django_db

# A made-up province for tests only: its name says so, its codes are outside the GSO ranges.
TEST_PROVINCE = {
    "province": {"code": "T9", "name": "Tỉnh Thử Nghiệm (dữ liệu kiểm thử)"},
    "units": [
        {
            "code": "T9001",
            "name": "Xã Núi Thử",
            "merged_from": [
                {
                    "code": "T9901",
                    "name": "Xã Cũ Thử",
                    "type": "full",
                    "legacy_district": "Huyện Thử",
                    "legacy_district_code": "T99",
                }
            ],
        }
    ],
}
D = datetime.date


def _client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def _to_established(cluster, actor, on):
    for status, day in ((ClusterStatus.ESTABLISHED, on),):
        cluster = cluster_services.cluster_transition(
            cluster=cluster, to_status=status, effective_on=day, reason="fixture", actor=actor
        )
    return cluster


@pytest.fixture
def two(hanoi, boss):
    admin_units_load(payload=TEST_PROVINCE)
    test_province = Province.objects.get(code="T9")
    investor_h = Organisation.objects.create(name="Hạ tầng Hà Nội", kind=OrganisationKind.INVESTOR)
    investor_t = Organisation.objects.create(name="Hạ tầng Thử Nghiệm", kind=OrganisationKind.INVESTOR)
    h = make_cluster(
        name="Cụm Đông Hà",
        area_ha=30,
        industrial_land_ha=20,
        investor=investor_h,
        communes=[Commune.objects.get(code="10273")],
    )
    t = make_cluster(
        name="Cụm Núi Thử",
        area_ha=6,
        industrial_land_ha=4,
        investor=investor_t,
        province=test_province,
        communes=[Commune.objects.get(code="T9001")],
    )
    h = _to_established(h, boss, D(2021, 3, 1))
    t = _to_established(t, boss, D(2026, 2, 1))
    doc_t = Document.objects.create(doc_type=DocumentType.DECISION, number="9/QĐ-THU", year=2026, issuer="UBND Thử")
    t.documents.add(doc_t)
    tenant_t = tenancy_services.tenant_create(data={"name": "Xưởng Thử", "tax_code": "0100000099"}, actor=boss)
    tenant_h = tenancy_services.tenant_create(data={"name": "Xưởng Hà", "tax_code": "0100000098"}, actor=boss)
    for cluster, tenant, land in ((t, tenant_t, "2"), (h, tenant_h, "5")):
        tenancy_services.project_create(
            data={
                "cluster": cluster,
                "tenant": tenant,
                "land_ha": Decimal(land),
                "status": ProjectStatus.OPERATING,
                "lease_start": D(2025, 1, 1),
            },
            actor=boss,
        )
    DevelopmentPlan.objects.create(
        province_id="01", name="PA Hà Nội", horizon_year=2030, cluster_count=159, area_ha=Decimal("3204.31")
    )
    DevelopmentPlan.objects.create(
        province_id="T9", name="PA Thử", horizon_year=2030, cluster_count=31, area_ha=Decimal("400.50")
    )
    AnnualPlan.objects.create(province_id="T9", year=2026, title="Kế hoạch thử 2026")
    hanoi_doit = person("hanoi-doit", roles.DOIT_OFFICER)  # no province scope: the home province
    test_doit = person("test-doit", roles.DOIT_OFFICER)
    Scope.objects.create(user=test_doit, province=test_province)
    moit = person("moit", roles.NATIONAL)
    return {
        "h": h,
        "t": t,
        "doc_t": doc_t,
        "tenant_t": tenant_t,
        "investor_t": investor_t,
        "hanoi_doit": hanoi_doit,
        "test_doit": test_doit,
        "moit": moit,
    }


def test_a_hanoi_doit_officer_sees_nothing_of_the_test_province(two):
    user, t = two["hanoi_doit"], two["t"]
    api = _client(user)
    page = Client()
    page.force_login(user)
    assert set(Cluster.objects.restrict(user)) == {two["h"]}
    assert [row["name"] for row in api.get("/api/clusters/").json()["results"]] == ["Cụm Đông Hà"]
    assert api.get("/api/clusters/", {"q": "nui thu"}).json()["count"] == 0
    assert api.get(f"/api/clusters/{t.pk}/").status_code == 404
    assert page.get(f"/clusters/{t.pk}/").status_code == 404
    assert "Núi Thử" not in page.get("/clusters/", {"q": "nui thu"}).content.decode()
    assert "Núi Thử" not in page.get("/").content.decode()
    documents = {row["number"] for row in api.get("/api/documents/").json()["results"]}
    assert "9/QĐ-THU" not in documents
    assert not Tenant.objects.restrict(user).filter(pk=two["tenant_t"].pk).exists()
    assert not Organisation.objects.restrict(user).filter(pk=two["investor_t"].pk).exists()
    assert api.get("/api/stats/summary/", {"province": "T9"}).status_code == 404
    assert api.get("/api/reports/form-04/", {"province": "T9", "period": "2026-H1"}).status_code == 404
    assert api.get("/api/reports/form-03/", {"commune": "T9001", "period": "2026-H1"}).status_code == 404
    assert page.get("/", {"province": "T9"}).status_code == 404
    assert "Kế hoạch thử 2026" not in page.get("/planning/").content.decode()
    assert all(row["title"] != "Kế hoạch thử 2026" for row in api.get("/api/annual-plans/").json()["results"])
    summary = api.get("/api/stats/summary/").json()
    assert (summary["province"], summary["total"]["count"], summary["plan"]["clusters"]) == ("01", 1, 159)


def test_the_test_provinces_officer_sees_only_it(two):
    api = _client(two["test_doit"])
    assert [row["name"] for row in api.get("/api/clusters/").json()["results"]] == ["Cụm Núi Thử"]
    summary = api.get("/api/stats/summary/").json()
    assert (summary["province"], summary["total"]["count"], summary["plan"]["clusters"]) == ("T9", 1, 31)
    report = api.get("/api/reports/form-04/", {"period": "2026-H1"}).json()
    assert report["area"] == "Tỉnh Thử Nghiệm (dữ liệu kiểm thử)"
    assert api.get("/api/stats/summary/", {"province": "01"}).status_code == 404


def _values(report):
    return {row["number"]: row["value"] for row in report["indicators"]}


def test_the_national_role_sees_both_and_its_form_04_is_the_sum_of_the_provinces(two):
    api = _client(two["moit"])
    assert {row["name"] for row in api.get("/api/clusters/").json()["results"]} == {"Cụm Đông Hà", "Cụm Núi Thử"}
    national = api.get("/api/stats/summary/", {"as_of": "2026-06-30"}).json()
    assert national["province"] is None
    assert national["total"]["count"] == 2
    assert national["plan"]["clusters"] == 159 + 31
    assert api.get("/api/stats/summary/", {"province": "T9"}).json()["total"]["count"] == 1
    assert api.get("/api/stats/summary/", {"province": "ZZ"}).status_code == 404
    # before the test province's cluster was established, only Hanoi's counted
    early = api.get("/api/stats/summary/", {"as_of": "2025-06-30"}).json()
    assert early["by_status"]["established"]["count"] == 1

    period = {"period": "2026-H1"}
    whole = _values(api.get("/api/reports/form-04/", period).json())
    hanoi = _values(api.get("/api/reports/form-04/", {**period, "province": "01"}).json())
    test = _values(api.get("/api/reports/form-04/", {**period, "province": "T9"}).json())
    assert whole["1"] == 159 + 31 and whole["3"] == 2
    for number, value in whole.items():
        if number == "19":  # a percentage: computed from the summed land, not summed
            continue
        parts = [hanoi[number], test[number]]
        if value is None:
            assert parts == [None, None], number
        else:
            assert value == pytest.approx(sum(p or 0 for p in parts)), number
    assert whole["19"] == pytest.approx(100 * (5 + 2) / (20 + 4), abs=0.01)


def test_the_national_role_switches_province_on_the_pages(two):
    page = Client()
    page.force_login(two["moit"])
    assert "Núi Thử" in page.get("/clusters/").content.decode()
    response = page.post("/provinces/switch/", {"province": "T9", "next": "/planning/"})
    assert response.status_code == 302 and response["Location"] == "/planning/"
    assert "Kế hoạch thử 2026" in page.get("/planning/").content.decode()
    assert page.post("/provinces/switch/", {"province": "ZZ"}).status_code == 404
    officer = Client()
    officer.force_login(two["hanoi_doit"])
    assert officer.post("/provinces/switch/", {"province": "T9"}).status_code == 404
