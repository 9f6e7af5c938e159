"""Tenant list exports: typed XLSX and CSV, formulas neutralised in every text cell, the user's scope only."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icis.accounts import roles
from icis.accounts.models import Organisation
from icis.tenancy import services
from icis.tenancy.models import TenantImport
from icis.testing.factories import make_cluster, person

pytestmark = pytest.mark.django_db

FORMULAS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def clusters(hanoi, boss):
    """Two clusters: A (the investor's) with hostile text in every free-text field, and B."""
    organisation = Organisation.objects.create(name="T&T Group", kind="investor")
    a = make_cluster(name="Cụm A", area_ha=30, industrial_land_ha=Decimal(20), investor=organisation)
    b = make_cluster(name="Cụm B", area_ha=30, industrial_land_ha=Decimal(20))
    for index, text in enumerate(FORMULAS):
        tenant = services.tenant_create(data={"name": text, "tax_code": f"010000000{index}"}, actor=boss)
        services.project_create(
            data={
                "cluster": a, "tenant": tenant, "name": text, "approval_number": text, "land_ha": Decimal("1.25"),
                "approval_date": datetime.date(2024, 3, 15), "lease_start": datetime.date(2024, 4, 1),
                "lease_end": datetime.date(2074, 3, 31), "status": "operating", "employees": 12,
            },
            actor=boss,
        )  # fmt: skip
    other = services.tenant_create(data={"name": "Chỉ ở cụm B", "tax_code": "0109999999", "is_fdi": True}, actor=boss)
    services.project_create(
        data={"cluster": b, "tenant": other, "land_ha": Decimal(2), "lease_start": datetime.date(2025, 1, 1)},
        actor=boss,
    )
    return {"a": a, "b": b, "organisation": organisation}


def xlsx_rows(response) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[list]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return sheet, [list(row) for row in sheet.iter_rows()]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_xlsx_export_neutralises_formulas_and_keeps_types(page, clusters):
    response = page.get(reverse("tenancy:project_export"), {"cluster": clusters["a"].pk, "format": "xlsx"})
    assert "tenant-projects-" in response["Content-Disposition"]
    sheet, rows = xlsx_rows(response)
    header, data = rows[0], rows[1:]
    assert [c.value for c in header][:4] == ["Mã cụm", "Cụm công nghiệp", "Tên doanh nghiệp", "Mã số thuế"]
    assert all(c.font.bold for c in header) and sheet.freeze_panes == "A2"
    assert len(data) == len(FORMULAS)
    for row in data:
        for cell in row:
            assert cell.data_type != "f", cell.value  # no cell is a formula
    names = sorted(row[2].value for row in data)
    assert names == sorted("'" + text for text in FORMULAS)
    assert {row[7].value for row in data} == {"'" + text for text in FORMULAS}  # project name
    assert {row[9].value for row in data} == {"'" + text for text in FORMULAS}  # approval number
    first = data[0]
    assert first[3].value.startswith("010000000") and first[3].data_type == "s"  # the tax code keeps its leading zero
    assert first[8].value == 1.25 and first[8].data_type == "n"  # land is a number
    assert first[10].value == datetime.datetime(2024, 3, 15) and first[10].number_format == "dd/mm/yyyy"
    assert first[15].value == 12
    assert first[13].value == "Đang hoạt động"


def test_csv_export_neutralises_formulas(page, clusters):
    rows = csv_rows(page.get(reverse("tenancy:project_export"), {"cluster": clusters["a"].pk, "format": "csv"}))
    assert rows[0][:4] == ["Mã cụm", "Cụm công nghiệp", "Tên doanh nghiệp", "Mã số thuế"]
    data = rows[1:]
    assert sorted(row[2] for row in data) == sorted("'" + text for text in FORMULAS)
    assert {row[7] for row in data} == {"'" + text for text in FORMULAS}
    assert {row[10] for row in data} == {"15/03/2024"} and {row[8] for row in data} == {"1.25"}
    for row in data:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row


def test_export_headers_follow_the_language(page, clusters):
    page.cookies["django_language"] = "en"
    rows = csv_rows(page.get(reverse("tenancy:project_export"), {"format": "csv"}))
    assert rows[0][:4] == ["Cluster code", "Cluster", "Tenant name", "Tax code"]
    assert len(rows) == 1 + len(FORMULAS) + 1  # every cluster the superuser sees


def test_an_investor_exports_only_its_clusters_rows(client, clusters):
    investor = person("investor", roles.INVESTOR, organisation=clusters["organisation"])
    client.force_login(investor)
    everything = csv_rows(client.get(reverse("tenancy:project_export"), {"format": "csv"}))
    assert {row[1] for row in everything[1:]} == {"Cụm A"} and len(everything) == 1 + len(FORMULAS)
    _sheet, rows = xlsx_rows(client.get(reverse("tenancy:project_export")))
    assert {row[1].value for row in rows[1:]} == {"Cụm A"}
    # Asking for the other cluster gives nothing from it.
    other = csv_rows(client.get(reverse("tenancy:project_export"), {"cluster": clusters["b"].pk, "format": "csv"}))
    assert other[1:] == []


def test_exports_need_a_login_and_the_view_permission(client, clusters):
    response = client.get(reverse("tenancy:project_export"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(person("nobody"))
    assert client.get(reverse("tenancy:project_export")).status_code == 403


def test_an_export_can_be_imported_into_another_cluster(page, hanoi, boss):
    source = make_cluster(name="Nguồn", area_ha=30, industrial_land_ha=Decimal(20))
    target = make_cluster(name="Đích", area_ha=30, industrial_land_ha=Decimal(20))
    tenant = services.tenant_create(data={"name": "Công ty Xuất", "tax_code": "0105555555"}, actor=boss)
    services.project_create(
        data={"cluster": source, "tenant": tenant, "name": "Dự án", "land_ha": Decimal("1.5"),
              "lease_start": datetime.date(2025, 1, 1), "status": "building"},
        actor=boss,
    )  # fmt: skip
    exported = page.get(reverse("tenancy:project_export"), {"cluster": source.pk}).content
    page.post(reverse("tenancy:import_list"), {"cluster": target.pk, "file": SimpleUploadedFile("x.xlsx", exported)})
    record = TenantImport.objects.get()
    assert record.status == TenantImport.Status.VALID, record.errors
    assert record.summary["existing_tenants"] == 1 and record.summary["land_ha"] == "1.5"
