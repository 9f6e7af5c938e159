"""The registry workbook's pages and API: upload → errors or changes → import; export; scope."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from icis.clusters.models import Cluster
from icis.geo.models import Commune
from icis.registry_io.models import RegistryImport
from icis.registry_io.synthetic import synthetic_registry
from icis.testing.personas import api_client_for

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def workbook(db):
    communes = list(Commune.objects.filter(province_id="12").order_by("code").values_list("code", "name"))
    data, _facts = synthetic_registry("12", communes, n=30)
    return data


def _upload(data, name="so-dang-ky.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_page_upload_shows_the_check_then_imports_once_the_names_are_confirmed(page, workbook):
    response = page.post("/registry/import/", {"province": "12", "file": _upload(workbook)})
    assert response.status_code == 302
    record = RegistryImport.objects.get()
    assert record.status == "valid", record.errors[:3]
    detail = page.get(response.url).content.decode()
    assert 'id="commit-form"' in detail and 'id="confirm-lookalikes"' in detail and not Cluster.objects.exists()
    refused = page.post(f"/registry/import/{record.pk}/commit/")
    assert not Cluster.objects.exists() and refused.status_code in (200, 302)
    done = page.post(f"/registry/import/{record.pk}/commit/", {"confirm": "1"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.status == "imported" and Cluster.objects.filter(province_id="12").count() == 30


def test_page_lists_errors_by_sheet_row_and_cell_and_hands_the_workbook_back_marked(page, workbook):
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    book["Cụm công nghiệp"]["J4"] = "nhiều"
    buffer = io.BytesIO()
    book.save(buffer)
    response = page.post("/registry/import/", {"province": "12", "file": _upload(buffer.getvalue())})
    record = RegistryImport.objects.get()
    assert record.status == "invalid"
    html = page.get(response.url).content.decode()
    assert 'id="error-table"' in html and "nhiều" in html
    marked = page.get(f"/registry/import/{record.pk}/marked.xlsx")
    assert marked.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(marked.content))["Cụm công nghiệp"]
    assert sheet["J4"].comment is not None
    assert page.get(f"/registry/import/{record.pk}/errors.csv").status_code == 200


def test_template_and_export_download(page, workbook):
    template = page.get("/registry/import/template.xlsx")
    assert template.status_code == 200
    names = openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames
    assert names[0] == "Hướng dẫn" and "Lịch sử trạng thái" in names
    assert page.get("/registry/export/").status_code == 200
    exported = page.get("/registry/export/?province=12")
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX


def test_api_upload_preview_commit(api, workbook):
    created = api.post("/api/registry/imports/", {"province": "12", "file": _upload(workbook)}, format="multipart")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "valid" and body["summary"]["clusters"]["new"] == 30 and body["summary"]["lookalikes"]
    refused = api.post(f"/api/registry/imports/{body['id']}/commit/", {}, format="json")
    assert refused.status_code == 400 and not Cluster.objects.exists()
    done = api.post(f"/api/registry/imports/{body['id']}/commit/", {"confirm_lookalikes": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "imported"
    assert api.get("/api/registry/export/?province=12").status_code == 200


def test_a_provincial_officer_imports_only_into_their_province(world, workbook):
    officer = world["users"]["doit-officer"]  # Hanoi's
    client = Client()
    client.force_login(officer)
    response = client.post("/registry/import/", {"province": "12", "file": _upload(workbook)})
    assert response.status_code == 200 and not RegistryImport.objects.exists()
    api = api_client_for(officer)
    refused = api.post("/api/registry/imports/", {"province": "12", "file": _upload(workbook)}, format="multipart")
    assert refused.status_code == 400 and not RegistryImport.objects.exists()
    assert api.get("/api/registry/export/?province=12").status_code == 400
    assert client.get("/registry/export/?province=12").status_code == 404


def test_another_users_import_is_not_found(page, world, workbook):
    page.post("/registry/import/", {"province": "12", "file": _upload(workbook)})
    record = RegistryImport.objects.get()
    client = Client()
    client.force_login(world["users"]["doit-officer"])
    assert client.get(f"/registry/import/{record.pk}/").status_code == 404
    assert api_client_for(world["users"]["doit-officer"]).get(f"/api/registry/imports/{record.pk}/").status_code == 404


def test_export_lists_undated_plans_last_on_every_database(hanoi):
    # NULLs sort first in an ascending order on SQLite, last on PostgreSQL
    from icis.geo.models import Province
    from icis.planning.models import DevelopmentPlan
    from icis.registry_io.export import registry_rows
    from icis.registry_io.workbook import PLANS

    province = Province.objects.get(code="01")
    DevelopmentPlan.objects.create(province=province, name="PA chưa rõ ngày", horizon_year=2030, is_current=False)
    DevelopmentPlan.objects.create(
        province=province, name="PA 2020", horizon_year=2025, approved_on="2020-05-04", is_current=False
    )
    assert [row[0] for row in registry_rows(province)[PLANS]] == ["PA 2020", "PA chưa rõ ngày"]
