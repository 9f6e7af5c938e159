import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.accounts.models import Organisation
from icis.tenancy.models import Tenant, TenantProject
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db


def test_acceptance_through_the_api(api, cluster20):
    tenant = api.post(
        "/api/tenants/", {"name": "Cty A", "tax_code": "0101234567", "is_fdi": False, "sector": "C2599"}, format="json"
    )
    assert tenant.status_code == 201, tenant.json()
    tenant_b = api.post(
        "/api/tenants/", {"name": "Cty B", "tax_code": "0101234568", "is_fdi": True, "sector": "C26"}, format="json"
    ).json()
    for land, t in ((5, tenant.json()["id"]), (3, tenant_b["id"])):
        created = api.post(
            "/api/tenant-projects/",
            {"cluster": cluster20.pk, "tenant": t, "land_ha": land, "status": "operating", "lease_start": "2024-01-01"},
            format="json",
        )
        assert created.status_code == 201, created.json()
    occupancy = api.get(f"/api/clusters/{cluster20.pk}/occupancy/").json()
    assert (occupancy["industrial_land_ha"], occupancy["occupied_ha"], occupancy["occupancy_rate"]) == (20, 8, 40.0)
    refused = api.post(
        "/api/tenant-projects/",
        {"cluster": cluster20.pk, "tenant": t, "land_ha": 13, "status": "registered", "lease_start": "2024-02-01"},
        format="json",
    )
    assert refused.status_code == 400
    assert "12" in refused.json()["detail"]
    assert TenantProject.objects.count() == 2
    before = api.get(f"/api/clusters/{cluster20.pk}/occupancy/", {"as_of": "2023-12-31"}).json()
    assert before["occupancy_rate"] == 0


def test_invalid_tax_code_changes_nothing(api, db):
    response = api.post(
        "/api/tenants/", {"name": "X", "tax_code": "12345", "is_fdi": False, "sector": "C10"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "tax_code"
    assert not Tenant.objects.exists()


def test_over_large_lease_changes_nothing(api, cluster20):
    tenant = Tenant.objects.create(name="X", tax_code="0101234567")
    response = api.post(
        "/api/tenant-projects/",
        {
            "cluster": cluster20.pk,
            "tenant": tenant.pk,
            "land_ha": 25,
            "status": "registered",
            "lease_start": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "land_ha"
    assert not TenantProject.objects.exists()


def test_submission_workflow_over_the_api_with_scoped_accounts(cluster20, boss):
    investor_org = Organisation.objects.create(name="CĐT hạ tầng", kind="investor")
    cluster20.investor = investor_org
    cluster20.save()
    investor = person("cdt", roles.INVESTOR, organisation=investor_org)
    officer = person("officer", roles.DOIT_OFFICER)
    client = APIClient()
    client.force_authenticate(investor)
    data = {
        "approved_investment_bn_vnd": 1,
        "disbursed_bn_vnd": 1,
        "land_ready_ha": 1,
        "land_leased_ha": 0,
        "occupancy_percent": 0,
        "projects_leased": 0,
        "projects_fdi": 0,
        "projects_operating": 0,
        "revenue_bn_vnd": 0,
        "budget_paid_bn_vnd": 0,
        "employees": 1,
        "avg_income_m_vnd": 5,
        "wwtp_built": 0,
        "wwtp_compliant": 0,
    }
    draft = client.post(
        "/api/submissions/", {"form": "02", "period": "2026-H1", "cluster": cluster20.pk, "data": data}, format="json"
    )
    assert draft.status_code == 201, draft.json()
    sid = draft.json()["id"]
    assert client.post(f"/api/submissions/{sid}/submit/").json()["status"] == "submitted"
    assert client.post(f"/api/submissions/{sid}/accept/").status_code == 403
    other = make_cluster(industrial_land_ha=5, area_ha=5)
    refused = client.post(
        "/api/submissions/", {"form": "02", "period": "2026-H1", "cluster": other.pk, "data": data}, format="json"
    )
    assert refused.status_code == 400
    reviewer = APIClient()
    reviewer.force_authenticate(officer)
    assert (
        reviewer.post(f"/api/submissions/{sid}/return/", {"reason": "Thiếu số liệu"}, format="json").json()["status"]
        == "returned"
    )
    assert client.post(f"/api/submissions/{sid}/submit/").json()["status"] == "submitted"
    assert reviewer.post(f"/api/submissions/{sid}/accept/").json()["status"] == "accepted"
    overdue = reviewer.get("/api/submissions/overdue/", {"period": "2026-H1", "form": "02"})
    assert overdue.status_code == 200
    assert reviewer.get("/api/submissions/overdue/", {"period": "2026-H3", "form": "02"}).status_code == 400


def test_tenant_sees_only_its_own_form_01_and_investor_does_not_see_tenants_reports(cluster20, boss):
    from icis.tenancy import services

    tenant_org = Organisation.objects.create(name="Cty thuê đất", kind="other")
    tenant = services.tenant_create(
        data={"name": "Cty thuê đất", "tax_code": "0101234567", "organisation": tenant_org}, actor=boss
    )
    investor_org = Organisation.objects.create(name="CĐT", kind="investor")
    cluster20.investor = investor_org
    cluster20.save()
    project = services.project_create(
        data={"cluster": cluster20, "tenant": tenant, "land_ha": 2, "lease_start": "2024-01-01"}, actor=boss
    )
    services.submission_save(form="01", period="2026-H1", tenant_project=project, data={"employees": 4}, actor=boss)
    tenant_user = person("tenant-user", roles.TENANT, organisation=tenant_org)
    investor_user = person("cdt", roles.INVESTOR, organisation=investor_org)
    commune = person("xa", roles.COMMUNE_OFFICIAL)
    for user, expected in ((tenant_user, 1), (investor_user, 0), (commune, 0)):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get("/api/submissions/").json()["count"] == expected, user.username
    assert Group.objects.filter(name="tenant").exists()
