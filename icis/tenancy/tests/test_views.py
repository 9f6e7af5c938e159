import pytest

from icis.accounts import roles
from icis.tenancy.models import Submission, TenantProject
from icis.testing.factories import person

from .conftest import project
from .test_submissions import FORM_02

pytestmark = pytest.mark.django_db


def test_cluster_page_shows_occupancy(page, cluster20, tenant, boss):
    project(cluster20, tenant, 5, boss)
    html = page.get(f"/clusters/{cluster20.pk}/").content.decode()
    assert 'id="tenancy-panel"' in html and "25,00%" in html


def test_occupancy_page_groups(page, cluster20, tenant, boss):
    project(cluster20, tenant, 5, boss)
    for group in ("cluster", "commune", "legacy_district", "city"):
        response = page.get("/tenancy/occupancy/", {"group_by": group, "date": "01/01/2025"})
        assert response.status_code == 200
    assert "25" in page.get("/tenancy/occupancy/").content.decode()


def test_project_form_refuses_too_much_land_with_the_land_left(page, cluster20, tenant, boss):
    project(cluster20, tenant, 15, boss)
    response = page.post(
        "/tenancy/projects/new/",
        {
            "cluster": cluster20.pk,
            "tenant": tenant.pk,
            "land_ha": "6",
            "status": "registered",
            "lease_start": "01/02/2024",
        },
    )
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert TenantProject.objects.count() == 1
    ok = page.post(
        "/tenancy/projects/new/",
        {
            "cluster": cluster20.pk,
            "tenant": tenant.pk,
            "land_ha": "5",
            "status": "registered",
            "lease_start": "01/02/2024",
        },
    )
    assert ok.status_code == 302 and TenantProject.objects.count() == 2


def test_report_pages_draft_submit_return_accept(client, cluster20, boss):
    officer = person("officer", roles.DOIT_OFFICER)
    client.force_login(officer)
    created = client.post("/tenancy/reports/new/", {"form": "02", "period": "2026-H1", "cluster": cluster20.pk})
    assert created.status_code == 302
    submission = Submission.objects.get()
    url = f"/tenancy/reports/{submission.pk}/"
    bad = client.post(url, {**FORM_02, "employees": "-3", "action": "save", "version": submission.version})
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    assert client.post(url, {**FORM_02, "action": "submit", "version": submission.version}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert client.post(url, {"action": "return", "reason": ""}).status_code == 200
    client.post(url, {"action": "return", "reason": "Sai mục 5"})
    submission.refresh_from_db()
    assert submission.status == "returned"
    client.post(url, {**FORM_02, "action": "submit", "version": submission.version})
    client.post(url, {"action": "accept"})
    submission.refresh_from_db()
    assert submission.status == "accepted"
    assert client.get("/tenancy/reports/", {"period": "2026-H1"}).status_code == 200


def test_tenant_form_never_redirects_off_site(page, cluster20):
    data = {"name": "Cty", "tax_code": "0101234599", "country": "VN"}
    response = page.post("/tenancy/tenants/new/?next=https://evil.example/", data)
    assert response.status_code == 302 and response["Location"] == "/tenancy/projects/new/"
    data["tax_code"] = "0101234598"
    inside = page.post("/tenancy/tenants/new/?next=/tenancy/projects/new/%3Fcluster%3D1", data)
    assert inside["Location"] == "/tenancy/projects/new/?cluster=1"


def test_a_report_saved_with_a_version_that_is_not_a_number_is_refused_not_a_500(client, cluster20, boss):
    client.force_login(person("officer", roles.DOIT_OFFICER))
    client.post("/tenancy/reports/new/", {"form": "02", "period": "2026-H1", "cluster": cluster20.pk})
    submission = Submission.objects.get()
    for bad in ["x", "²", "99999999999999999999"]:
        response = client.post(f"/tenancy/reports/{submission.pk}/", {**FORM_02, "action": "save", "version": bad})
        assert response.status_code in (200, 302)
    submission.refresh_from_db()
    assert submission.version == 1
