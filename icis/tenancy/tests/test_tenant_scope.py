"""Issue 10, finding 1: linking a lease to a firm never widens what the linker may read or change
about the firm. Written from the probe's reproduction (investor X stands for the demo investor,
firm B for "another firm")."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from icis.tenancy import services
from icis.tenancy.choices import ReportForm
from icis.tenancy.models import Tenant, TenantProject
from icis.testing.factories import english
from icis.testing.personas import api_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    yield from english(settings)


@pytest.fixture
def stranger(boss):
    """A registered firm that leases nowhere yet."""
    return services.tenant_create(
        data={"name": "Công ty C", "tax_code": "0100000003", "email": "c@example.vn", "phone": "0900000003"},
        actor=boss,
    )


def lease(cluster, **fields):
    return {"cluster": cluster.pk, "land_ha": "1.5", "lease_start": "2025-01-01", **fields}


def fields_of(response) -> set:
    return {error["field"] for error in response.json()["errors"]}


def test_an_investor_cannot_adopt_another_firm_by_its_id(linked):
    investor = api_client_for(linked["users"]["investor"])
    firm_b = linked["firms"]["b"]
    before = TenantProject.objects.count()

    response = investor.post("/api/tenant-projects/", lease(linked["a"], tenant=firm_b.pk), format="json")

    assert response.status_code == 400
    assert "tenant" in fields_of(response)
    assert TenantProject.objects.count() == before
    assert investor.get(f"/api/tenants/{firm_b.pk}/").status_code == 404
    assert investor.patch(f"/api/tenants/{firm_b.pk}/", {"email": "x@evil.vn"}, format="json").status_code in (403, 404)
    firm_b.refresh_from_db()
    assert firm_b.email == "b@example.vn"


def test_an_investor_cannot_move_its_project_into_another_firms_account_by_id(linked):
    investor = api_client_for(linked["users"]["investor"])
    project = linked["projects"]["a"]

    response = investor.patch(f"/api/tenant-projects/{project.pk}/", {"tenant": linked["firms"]["b"].pk}, format="json")

    assert response.status_code == 400
    assert "tenant" in fields_of(response)
    project.refresh_from_db()
    assert project.tenant == linked["firms"]["a"] and project.version == 1


def test_an_investor_names_a_new_firm_by_tax_code_and_sees_only_its_name_and_tax_code(linked, stranger):
    investor = api_client_for(linked["users"]["investor"])

    response = investor.post(
        "/api/tenant-projects/", lease(linked["a"], tenant_tax_code=stranger.tax_code), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tenant"], body["tenant_name"], body["tenant_tax_code"]) == (stranger.pk, "Công ty C", "0100000003")
    assert "c@example.vn" not in response.content.decode()
    # The lease gave no reach into the firm's record: not readable, not listed, not changeable.
    assert investor.get(f"/api/tenants/{stranger.pk}/").status_code == 404
    assert stranger.pk not in {row["id"] for row in investor.get("/api/tenants/").json()["results"]}
    assert investor.patch(f"/api/tenants/{stranger.pk}/", {"phone": "1"}, format="json").status_code in (403, 404)
    stranger.refresh_from_db()
    assert (stranger.phone, stranger.version) == ("0900000003", 1)
    listed = investor.get(f"/api/tenant-projects/{body['id']}/").json()
    assert listed["tenant_name"] == "Công ty C"


def test_an_unknown_tax_code_is_refused_naming_it_and_nothing_is_written(linked):
    investor = api_client_for(linked["users"]["investor"])
    before = TenantProject.objects.count()

    response = investor.post("/api/tenant-projects/", lease(linked["a"], tenant_tax_code="0199999999"), format="json")

    assert response.status_code == 400
    assert "0199999999" in response.json()["detail"]
    assert fields_of(response) == {"tenant_tax_code"}
    assert TenantProject.objects.count() == before


def test_a_lease_names_its_firm_one_way_or_the_other(linked, stranger):
    investor = api_client_for(linked["users"]["investor"])
    both = lease(linked["a"], tenant=linked["firms"]["a"].pk, tenant_tax_code=stranger.tax_code)
    assert investor.post("/api/tenant-projects/", both, format="json").status_code == 400
    response = investor.post("/api/tenant-projects/", lease(linked["a"]), format="json")
    assert response.status_code == 400 and "tenant" in fields_of(response)


def test_an_investor_reads_its_tenants_name_and_tax_code_through_the_lease_not_their_record(linked):
    investor = api_client_for(linked["users"]["investor"])
    firm_a = linked["firms"]["a"]
    rows = investor.get("/api/tenant-projects/").json()["results"]
    assert [(row["tenant_name"], row["tenant_tax_code"]) for row in rows] == [("Công ty A", "0100000001")]
    assert investor.get(f"/api/tenants/{firm_a.pk}/").status_code == 404
    assert "a@example.vn" not in investor.get("/api/tenant-projects/").content.decode()


def test_the_officials_over_a_cluster_read_its_firms_but_do_not_change_them(linked):
    official = api_client_for(linked["users"]["commune-official"])
    firm_a, firm_b = linked["firms"]["a"], linked["firms"]["b"]
    assert official.get(f"/api/tenants/{firm_a.pk}/").json()["email"] == "a@example.vn"
    assert official.get(f"/api/tenants/{firm_b.pk}/").status_code == 404
    assert official.patch(f"/api/tenants/{firm_a.pk}/", {"email": "x@y.vn"}, format="json").status_code == 403


def test_a_firm_changes_its_own_record_and_no_other(linked):
    firm = api_client_for(linked["users"]["tenant"])
    firm_a, firm_b = linked["firms"]["a"], linked["firms"]["b"]
    response = firm.patch(f"/api/tenants/{firm_a.pk}/", {"email": "moi@example.vn"}, format="json")
    assert response.status_code == 200, response.content
    assert Tenant.objects.get(pk=firm_a.pk).email == "moi@example.vn"
    assert firm.patch(f"/api/tenants/{firm_b.pk}/", {"email": "x@y.vn"}, format="json").status_code == 404
    assert Tenant.objects.get(pk=firm_b.pk).email == "b@example.vn"


def test_doit_changes_any_firms_record(linked):
    doit = api_client_for(linked["users"]["doit-officer"])
    firm_b = linked["firms"]["b"]
    assert doit.patch(f"/api/tenants/{firm_b.pk}/", {"phone": "024"}, format="json").status_code == 200


def test_a_projects_firm_cannot_be_swapped_once_it_has_reported(linked, boss):
    project = linked["projects"]["a"]
    services.submission_save(form=ReportForm.FORM_01, period="2025-H1", tenant_project=project, data={}, actor=boss)
    with pytest.raises(ValidationError) as caught:
        services.project_update(project=project, data={"tenant": linked["firms"]["b"]}, actor=boss)
    assert caught.value.error_dict["tenant"][0].code == "tenant_has_reports"
    project.refresh_from_db()
    assert project.tenant == linked["firms"]["a"]


def test_the_page_form_lists_only_the_investors_tenants_and_takes_a_tax_code(linked, stranger):
    client = Client()
    client.force_login(linked["users"]["investor"])
    page = client.get("/tenancy/projects/new/").content.decode()
    assert "0100000001" in page
    assert "0100000002" not in page and "0100000003" not in page
    form = {
        "cluster": linked["a"].pk,
        "land_ha": "1",
        "lease_start": "01/02/2025",
        "status": "registered",
    }
    before = TenantProject.objects.count()
    refused = client.post("/tenancy/projects/new/", {**form, "tenant": linked["firms"]["b"].pk})
    assert refused.status_code == 200 and "tenant" in refused.context["form"].errors
    assert TenantProject.objects.count() == before
    created = client.post("/tenancy/projects/new/", {**form, "tenant_tax_code": stranger.tax_code})
    assert created.status_code == 302, created.context["form"].errors if created.context else created
    assert TenantProject.objects.filter(cluster=linked["a"], tenant=stranger, land_ha=Decimal("1")).exists()


def test_a_firms_user_sees_a_lease_registered_under_its_tax_code_but_nothing_more_of_the_investor(linked):
    """The firm named by tax code sees its own lease (it files Form 01 for it), as before."""
    investor = api_client_for(linked["users"]["investor"])
    firm_a = linked["firms"]["a"]
    response = investor.post(
        "/api/tenant-projects/",
        {"cluster": linked["a"].pk, "tenant_tax_code": firm_a.tax_code, "land_ha": "1", "lease_start": "2025-03-01"},
        format="json",
    )
    assert response.status_code == 201
    firm = api_client_for(linked["users"]["tenant"])
    assert response.json()["id"] in {row["id"] for row in firm.get("/api/tenant-projects/").json()["results"]}
    assert firm.get(f"/api/clusters/{linked['a'].pk}/").status_code == 404
    assert datetime.date(2025, 3, 1) == TenantProject.objects.get(pk=response.json()["id"]).lease_start
