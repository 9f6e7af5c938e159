"""Tenant list import: good files go in whole, bad files report every error by sheet, row and column
and write nothing, hostile files are refused before any parser sees them."""

import datetime
import html
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from icis.accounts import roles
from icis.accounts.models import Organisation
from icis.core import channel
from icis.core.models import Job
from icis.tenancy import exports, imports, services
from icis.tenancy.models import Tenant, TenantImport, TenantProject
from icis.testing.factories import english, make_cluster, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests quote the English source messages."""
    yield from english(settings)


HEADERS = [
    "Tên doanh nghiệp", "Mã số thuế", "FDI (có/không)", "Quốc gia", "Ngành (mã VSIC)", "Tên dự án",
    "Diện tích đất (ha)", "Số GCN đầu tư", "Ngày cấp", "Ngày bắt đầu thuê", "Ngày kết thúc thuê", "Tình trạng",
    "Số lao động",
]  # fmt: skip
GOOD_ROWS = [
    ["Công ty TNHH Cơ khí Minh Anh", "0101234567", "không", "VN", "C2592", "Xưởng cơ khí", 2.5, "12/GCN",
     datetime.date(2024, 3, 15), "01/04/2024", "31/03/2074", "Đang xây dựng", 45],
    ["Hanwha Parts Vina", "0109876543", "có", "Hàn Quốc", "C2930", "Nhà máy linh kiện", "3,25", "",
     "", datetime.datetime(2023, 6, 1), "", "operating", "1.200"],
    ["Công ty TNHH Cơ khí Minh Anh", "0101234567", "0", "", "", "Kho thành phẩm", "0.75", "", "",
     "15/05/2024", "", "", ""],
]  # fmt: skip


def xlsx(rows, headers=HEADERS, sheet="Danh sách", above=()) -> bytes:
    book = openpyxl.Workbook()
    page = book.active
    page.title = sheet
    for row in above:
        page.append(row)
    page.append(headers)
    for row in rows:
        page.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, extra: dict[str, bytes] = None, replace: dict[str, bytes] = None) -> bytes:
    """A copy of a workbook with parts added or replaced."""
    extra, replace = extra or {}, replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in extra.items():
            target.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def cluster(hanoi):
    return make_cluster(name="Cụm Thử Nghiệm", area_ha=30, industrial_land_ha=Decimal("20"))


@pytest.fixture
def en(page):
    """The signed-in superuser's client, in English (messages are compared as text)."""
    page.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return page


def upload(client, cluster, data: bytes, name="danh-sach.xlsx"):
    response = client.post(
        reverse("tenancy:import_list"), {"cluster": cluster.pk, "file": SimpleUploadedFile(name, data)}
    )
    return response


def checked(client, cluster, data: bytes, name="danh-sach.xlsx") -> TenantImport:
    response = upload(client, cluster, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return TenantImport.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def texts(record: TenantImport) -> list[str]:
    return [imports.describe(error) for error in record.errors]


def counts():
    return Tenant.objects.count(), TenantProject.objects.count()


# --- good files ---------------------------------------------------------------------------------------


def test_a_good_file_is_previewed_without_writing_then_imports_exactly_its_rows(en, cluster, boss):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    assert record.status == TenantImport.Status.VALID, texts(record)
    assert counts() == (0, 0)  # the check ran the services and rolled back
    assert record.summary["projects"] == 3 and record.summary["new_tenants"] == 2
    assert record.summary["land_left_after_ha"] == "13.5"
    page = en.get(reverse("tenancy:import_detail", args=[record.pk])).content.decode()
    assert 'id="preview-table"' in page and "Hanwha Parts Vina" in page

    response = en.post(reverse("tenancy:import_commit", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == TenantImport.Status.IMPORTED and record.imported_at is not None
    assert counts() == (2, 3)
    minh_anh = Tenant.objects.get(tax_code="0101234567")
    assert (minh_anh.name, minh_anh.is_fdi, minh_anh.country, minh_anh.sector) == (
        "Công ty TNHH Cơ khí Minh Anh", False, "VN", "C2592",
    )  # fmt: skip
    hanwha = Tenant.objects.get(tax_code="0109876543")
    assert (hanwha.is_fdi, hanwha.country) == (True, "KR")
    first = TenantProject.objects.get(name="Xưởng cơ khí")
    assert (first.cluster, first.land_ha, first.approval_number, first.status, first.employees) == (
        cluster, Decimal("2.5"), "12/GCN", "building", 45,
    )  # fmt: skip
    assert (first.approval_date, first.lease_start, first.lease_end) == (
        datetime.date(2024, 3, 15), datetime.date(2024, 4, 1), datetime.date(2074, 3, 31),
    )  # fmt: skip
    second = TenantProject.objects.get(tenant=hanwha)
    assert (second.land_ha, second.status, second.employees, second.lease_start) == (
        Decimal("3.25"), "operating", 1200, datetime.date(2023, 6, 1),
    )  # fmt: skip
    assert minh_anh.projects.count() == 2
    # Audit: every write is signed by the uploader and tagged as coming through an import.
    histories = [*Tenant.history.all(), *TenantProject.history.all()]
    assert len(histories) == 5
    assert {(h.history_user_id, h.history_channel, h.history_type) for h in histories} == {
        (boss.pk, channel.IMPORT, "+")
    }


def test_a_csv_with_english_headers_a_bom_and_semicolons_imports(en, cluster):
    text = (
        "Tenant name;Tax code;FDI (yes/no);Land (ha);Lease start;Status;Employees\r\n"
        'Blue River Ltd;0101111111;yes;"1,5";01/02/2025;Registered;10\r\n'
        "Green Field JSC;0102222222-001;no;2;2025-03-01;Đang hoạt động;\r\n"
    )
    record = checked(en, cluster, "\ufeff".encode() + text.encode(), name="tenants.csv")
    assert record.status == TenantImport.Status.VALID, texts(record)
    en.post(reverse("tenancy:import_commit", args=[record.pk]))
    assert sorted(TenantProject.objects.values_list("tenant__tax_code", "land_ha", "status")) == [
        ("0101111111", Decimal("1.5"), "registered"),
        ("0102222222-001", Decimal("2"), "operating"),
    ]


def test_the_template_downloads_and_its_example_row_is_skipped(en, cluster):
    en.cookies["django_language"] = "vi"
    response = en.get(reverse("tenancy:import_template"))
    assert response["Content-Type"].startswith(exports.XLSX_TYPE)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Tên doanh nghiệp", "Mã số thuế", "FDI (có/không)"]
    assert sheet["A2"].value.startswith("Ví dụ") and sheet["A2"].font.italic and sheet["A2"].comment
    assert book.sheetnames[1] == "Hướng dẫn"
    # Filled in under the example, it imports; the example row does not.
    sheet.append(["Công ty Thật", "0103333333", "không", "VN", "", "", 1, "", "", "01/01/2025"])
    buffer = io.BytesIO()
    book.save(buffer)
    en.cookies["django_language"] = "en"
    record = checked(en, cluster, buffer.getvalue())
    assert record.status == TenantImport.Status.VALID, texts(record)
    assert record.summary["projects"] == 1 and record.summary["skipped"] == 1
    assert any("example row" in warning["message"] for warning in record.warnings)


def test_a_title_above_the_header_and_unknown_columns_are_tolerated(en, cluster):
    headers = ["STT", *HEADERS]
    rows = [[1, *GOOD_ROWS[0]]]
    record = checked(en, cluster, xlsx(rows, headers=headers, above=[["DANH SÁCH DOANH NGHIỆP THỨ CẤP"], []]))
    assert record.status == TenantImport.Status.VALID, texts(record)
    assert record.summary["header_row"] == 3 and record.preview[0]["row"] == 4
    assert "A (STT)" in record.warnings[0]["message"]


# --- bad files ----------------------------------------------------------------------------------------


def test_a_bad_file_reports_every_error_with_sheet_row_and_column_and_writes_nothing(en, cluster):
    good = GOOD_ROWS[0]
    rows = [
        good,  # row 2: fine
        ["Sai MST", "01234", *good[2:]],  # row 3
        ["Sai ngày", "0104444444", "có lẽ", *good[3:8], "31/02/2024", *good[9:]],  # row 4: FDI and date
        ["Sai tình trạng", "0105555555", *good[2:11], "đang bay", *good[12:]],  # row 5
        ["Đất âm", "0106666666", *good[2:6], -1, *good[7:]],  # row 6
        ["Thuê ngược", "0107777777", *good[2:9], "01/01/2030", "01/01/2020", *good[11:]],  # row 7: a service rule
        ["", "0108888888", *good[2:]],  # row 8: no name
        ["Số lao động", "0109999999", *good[2:12], "nhiều"],  # row 9
        ["Hai lỗi", "0101010101", *good[2:9], "01/01/2030", "01/01/2020", "đang bay", 3],  # row 10: cell and rule
    ]
    record = checked(en, cluster, xlsx(rows))
    assert record.status == TenantImport.Status.INVALID
    assert counts() == (0, 0)
    found = texts(record)
    expected = [
        "Sheet 'Danh sách', row 3, column B (Mã số thuế): '01234' is not a tax code: 10 digits, or 10 digits-3 "
        "digits for a branch.",
        "Sheet 'Danh sách', row 4, column C (FDI (có/không)): 'có lẽ' is not yes or no",
        "Sheet 'Danh sách', row 4, column I (Ngày cấp): '31/02/2024' is not a date: write it as dd/mm/yyyy",
        "Sheet 'Danh sách', row 5, column L (Tình trạng): 'đang bay' is not a project status",
        "Sheet 'Danh sách', row 6, column G (Diện tích đất (ha)): '-1': Ensure this value is greater than or equal "
        "to 0.",
        "Sheet 'Danh sách', row 7, column K (Ngày kết thúc thuê): '01/01/2020': The lease must end after it starts.",
        "Sheet 'Danh sách', row 8, column A (Tên doanh nghiệp): This cell is required.",
        "Sheet 'Danh sách', row 9, column M (Số lao động): 'nhiều' is not a number.",
        "Sheet 'Danh sách', row 10, column K (Ngày kết thúc thuê): '01/01/2020': The lease must end after it starts.",
        "Sheet 'Danh sách', row 10, column L (Tình trạng): 'đang bay' is not a project status",
    ]
    for message in expected:
        assert any(text.startswith(message) for text in found), (message, found)
    assert len(found) == len(expected)
    assert [(e["row"], e["column"]) for e in record.errors][:2] == [(3, "B"), (4, "C")]

    page = en.get(reverse("tenancy:import_detail", args=[record.pk])).content.decode()
    assert 'id="error-table"' in page and "is not a tax code" in page and 'id="commit-form"' not in page
    assert "9 rows read; 8 with problems." in page
    # It cannot be committed (the lifecycle's one wording), and the errors download as CSV.
    refused = en.post(reverse("tenancy:import_commit", args=[record.pk]), follow=True).content.decode()
    assert "Cannot go from “Errors found” to “Importing”; allowed: “Checking” (checking), “Discarded” (discarded)." in (
        html.unescape(refused)
    )
    record.refresh_from_db()
    assert record.status == TenantImport.Status.INVALID and counts() == (0, 0)
    csv_text = en.get(reverse("tenancy:import_errors", args=[record.pk])).content.decode("utf-8-sig")
    assert "Mã số thuế" in csv_text and "01234" in csv_text
    # ... and the workbook comes back with each error in its cell (icis/core/imports/marked.py).
    marked = openpyxl.load_workbook(io.BytesIO(en.get(reverse("tenancy:import_marked", args=[record.pk])).content))
    assert "is not a tax code" in marked["Danh sách"]["B3"].comment.text
    assert "is not a project status" in marked["Danh sách"]["L5"].comment.text


def test_a_tax_code_typed_as_a_number_explains_the_lost_zero(en, cluster):
    record = checked(en, cluster, xlsx([["Số", 101234567, *GOOD_ROWS[0][2:]]]))
    assert "leading zero may have been dropped" in record.errors[0]["message"]


def test_a_file_without_the_required_columns_says_which(en, cluster):
    record = checked(en, cluster, xlsx([["A", "0101234567", "VN"]], headers=["Tên doanh nghiệp", "MST", "Quốc gia"]))
    assert record.status == TenantImport.Status.INVALID
    assert texts(record) == [
        "Sheet 'Danh sách', row 1: The header row lacks the required column(s) “Diện tích đất (ha)” (Land (ha)). Use "
        "the headers of the template."
    ]


def test_cumulative_land_over_the_limit_is_refused_with_the_land_left(en, cluster, boss):
    tenant = services.tenant_create(data={"name": "Có sẵn", "tax_code": "0100000001"}, actor=boss)
    services.project_create(
        data={"cluster": cluster, "tenant": tenant, "land_ha": Decimal(5), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    rows = [
        ["Thứ nhất", "0101000001", "", "", "", "", 3, "", "", "01/01/2025"],
        ["Thứ hai", "0101000002", "", "", "", "", 13, "", "", "01/01/2025"],  # 20 - 5 - 3 = 12 ha left
    ]
    record = checked(en, cluster, xlsx(rows))
    assert record.status == TenantImport.Status.INVALID
    assert texts(record) == [
        "Sheet 'Danh sách', row 3, column G (Diện tích đất (ha)): Only 12 ha of industrial land is left in cluster "
        "Cụm Thử Nghiệm (8 of 20 ha already taken); this project asks for 13 ha."
    ]
    assert counts() == (1, 1)


def test_the_import_writes_nothing_if_the_registry_changed_after_the_preview(en, cluster, boss):
    record = checked(en, cluster, xlsx([["Muộn", "0101000003", "", "", "", "", 10, "", "", "01/01/2025"]]))
    assert record.status == TenantImport.Status.VALID
    tenant = services.tenant_create(data={"name": "Nhanh hơn", "tax_code": "0100000002"}, actor=boss)
    services.project_create(
        data={"cluster": cluster, "tenant": tenant, "land_ha": Decimal(15), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    en.post(reverse("tenancy:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.INVALID
    assert "Only 5 ha of industrial land is left" in record.errors[0]["message"]
    assert counts() == (1, 1)


def test_importing_the_same_file_twice_is_refused_the_second_time(en, cluster):
    data = xlsx(GOOD_ROWS[:1])
    first = checked(en, cluster, data)
    en.post(reverse("tenancy:import_commit", args=[first.pk]))
    second = checked(en, cluster, data)
    assert second.status == TenantImport.Status.INVALID
    assert "already registered in cluster Cụm Thử Nghiệm" in second.errors[0]["message"]
    assert second.errors[0]["column"] == "H"  # the approval number identifies the project
    assert counts() == (1, 1)


def test_one_tax_code_with_two_names_in_a_file_is_an_error(en, cluster):
    rows = [GOOD_ROWS[0], ["Tên khác", "0101234567", *GOOD_ROWS[0][2:5], "Dự án khác", 1, "", "", "01/01/2025"]]
    record = checked(en, cluster, xlsx(rows))
    assert texts(record) == [
        "Sheet 'Danh sách', row 3, column A (Tên doanh nghiệp): Tax code 0101234567 is given to “Công ty TNHH Cơ khí "
        "Minh Anh” in row 2; one tax code is one tenant."
    ]


def test_a_cluster_without_industrial_land_is_refused_once(en, hanoi):
    bare = make_cluster(name="Chưa có đất CN")
    record = checked(en, bare, xlsx(GOOD_ROWS))
    assert len(record.errors) == 1 and "has no industrial land recorded" in record.errors[0]["message"]


# --- hostile files ------------------------------------------------------------------------------------


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if a refused file reaches openpyxl or the CSV reader."""

    def boom(*args, **kwargs):
        raise AssertionError("a hostile file reached the parser")

    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    monkeypatch.setattr(imports.csv, "reader", boom)


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    b"<worksheet>&lol2;</worksheet>"
)


def hostile_files():
    good = xlsx(GOOD_ROWS)
    return {
        "zip bomb (ratio)": (
            "bomb.xlsx",
            zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": b"0" * (20 * 1024 * 1024)}),
            "looks like a zip bomb",
        ),
        "zip bomb (inflated size)": (
            "bomb.xlsx",
            zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": b"<" * (51 * 1024 * 1024)}),
            "would unpack to 51.0 MB",
        ),
        "zip bomb (entries)": (
            "many.xlsx",
            zip_of({"[Content_Types].xml": CONTENT_TYPES, **{f"xl/p{i}.xml": b"<a/>" for i in range(1001)}}),
            "1002 parts",
        ),
        "macro-enabled (vbaProject.bin)": (
            "macro.xlsx", rezip(good, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}), "contains macros",
        ),
        "macro-enabled (content type)": (
            "macro.xlsm",
            rezip(good, replace={"[Content_Types].xml": CONTENT_TYPES.replace(
                b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")}),
            "contains macros",
        ),
        "ActiveX control": ("activex.xlsx", rezip(good, extra={"xl/activeX/activeX1.bin": b"\x00"}), "ActiveX"),
        "external link": (
            "links.xlsx", rezip(good, extra={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}), "links to",
        ),
        "encrypted / OLE file": (
            "secret.xlsx", imports.OLE_MAGIC + b"\x00" * 4096, "password-protected (encrypted) workbook",
        ),
        "XML entity bomb": (
            "laughs.xlsx", rezip(good, replace={"xl/worksheets/sheet1.xml": LAUGHS}), "declares a DTD",
        ),
        "Excel binary workbook": (
            "ds.xlsb", zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.bin": b"\x00"}), "(.xlsb)",
        ),
        "not a spreadsheet (PDF)": ("report.xlsx", b"%PDF-1.7\n" + b"x" * 100, "not a spreadsheet"),
        "not a workbook (a zip of something else)": (
            "doc.xlsx", zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
            "not an Excel workbook",
        ),
        "CSV in UTF-16": ("ds.csv", "Tên doanh nghiệp;Mã số thuế\n".encode("utf-16"), "This file is in UTF-16"),
        "binary file named .csv": ("ds.csv", b"\x7fELF\x02\x01\x00\x00", "not a text (CSV) file"),
        "CSV in a legacy code page": ("ds.csv", "Tên;MST\nCông ty;0101234567\n".encode("cp1258"), "not in UTF-8"),
    }  # fmt: skip


# The hostile-file cases are built for these limits (the defaults before the province-sized limits of
# issue 16); the mechanism is what they test.
EARLIER_LIMITS = override_settings(
    ICIS_IMPORT_MAX_BYTES=5 * 1024 * 1024, ICIS_IMPORT_MAX_INFLATED_BYTES=20 * 1024 * 1024
)


@EARLIER_LIMITS
@pytest.mark.parametrize("case", list(hostile_files()))
def test_hostile_files_are_refused_before_parsing_and_nothing_is_written(en, cluster, no_parsing, case):
    name, data, message = hostile_files()[case]
    response = upload(en, cluster, data, name)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert TenantImport.objects.count() == 0 and counts() == (0, 0)


@EARLIER_LIMITS
def test_a_workbook_that_inflates_beyond_the_limit_is_refused_before_parsing(en, cluster, no_parsing):
    """The probe's case: a few MB that inflate ~12 times (under the ratio limit) to more than the inflated limit,
    which openpyxl would need hundreds of MB to parse."""
    import random

    rng = random.Random(7)
    cells = "".join(f'<c r="A{i}"><v>{rng.randrange(100)}</v></c>' for i in range(800_000)).encode()
    data = zip_of({"[Content_Types].xml": CONTENT_TYPES, "xl/worksheets/sheet1.xml": cells})
    assert len(data) < 5 * 1024 * 1024 and len(cells) > 20 * 1024 * 1024 and len(cells) < 100 * len(data)
    response = upload(en, cluster, data)
    errors = " ".join(response.context["form"].errors["file"])
    assert "would unpack to" in errors and "more than the 20.0 MB allowed" in errors
    assert TenantImport.objects.count() == 0


def test_an_oversized_upload_is_refused(en, cluster, settings, no_parsing):
    settings.ICIS_IMPORT_MAX_BYTES = 10_000
    response = upload(en, cluster, b"PK\x03\x04" + b"\x00" * 20_000)
    assert response.context["form"].errors["file"] == ["The file is larger than 10 KB, the largest file accepted."]
    assert TenantImport.objects.count() == 0


@EARLIER_LIMITS
def test_the_size_limit_applies_before_anything_else():
    data = b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(imports.UploadRefused, match="largest file accepted is 5.0 MB"):
        imports.inspect_upload("big.xlsx", data)


def test_a_csv_with_too_many_rows_is_refused_before_parsing(en, cluster, settings, no_parsing):
    settings.ICIS_IMPORT_MAX_ROWS = 5
    lines = ["Tên doanh nghiệp,Mã số thuế,Diện tích đất (ha),Ngày bắt đầu thuê"]
    lines += [f"Công ty {i},01000000{i:02d},1,01/01/2025" for i in range(30)]
    response = upload(en, cluster, "\n".join(lines).encode(), "ds.csv")
    assert "at most 5 rows can be imported" in " ".join(response.context["form"].errors["file"])
    assert TenantImport.objects.count() == 0


def test_a_workbook_with_too_many_rows_is_refused_unwritten(en, cluster, settings):
    settings.ICIS_IMPORT_MAX_ROWS = 2
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    assert texts(record) == ["Sheet 'Danh sách': The sheet has more than 2 rows; split it into smaller files."]
    assert counts() == (0, 0)


def test_workbooks_are_parsed_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def test_real_workbooks_pass_the_zip_checks():
    """A plain export with thousands of rows is far from the zip-bomb limits."""
    rows = [[f"Công ty {i}", f"01{i:08d}", "không", "VN", "C2592", "", 0.01, "", "", "01/01/2025"] for i in range(5000)]
    assert imports.inspect_upload("big.xlsx", xlsx(rows)) == "xlsx"
    assert imports.inspect_upload("template.xlsx", exports.template_bytes()) == "xlsx"


# --- pages, permissions, progress ----------------------------------------------------------------------


def test_the_progress_endpoint_answers_json(en, cluster):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    state = en.get(reverse("tenancy:import_progress", args=[record.pk])).json()
    assert state == {"status": "valid", "label": "Ready to import", "progress": 100, "running": False}


def test_a_running_import_page_shows_the_progress_bar_and_its_script(en, cluster):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    TenantImport.objects.filter(pk=record.pk).update(status=TenantImport.Status.CHECKING, progress=0)
    # The progress is the job's, as its worker wrote it to the database.
    Job.objects.filter(pk=record.job_id).update(status=Job.Status.RUNNING, progress=40, heartbeat_at=timezone.now())
    html = en.get(reverse("tenancy:import_detail", args=[record.pk])).content.decode()
    assert 'id="import-progress"' in html and "/static/icis/import-progress.js" in html and "40 %" in html
    state = en.get(reverse("tenancy:import_progress", args=[record.pk])).json()
    assert state["progress"] == 40 and state["running"] is True


def test_a_running_import_whose_job_is_gone_is_shown_as_stopped_and_can_be_checked_again(en, cluster):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    TenantImport.objects.filter(pk=record.pk).update(status=TenantImport.Status.CHECKING, job=None)
    html = en.get(reverse("tenancy:import_detail", args=[record.pk])).content.decode()
    assert 'id="import-stale"' in html and 'id="import-progress"' not in html
    en.post(reverse("tenancy:import_check", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.VALID and record.job.status == Job.Status.SUCCEEDED
    assert "<script>" not in html  # no inline script (CSP)


def test_imports_need_the_tenant_permissions_and_a_cluster_the_user_may_change(client, cluster, hanoi):
    other = make_cluster(name="Cụm khác", industrial_land_ha=Decimal(10), area_ha=10)
    official = person("official", roles.COMMUNE_OFFICIAL, communes=["10273"])
    client.force_login(official)
    assert client.get(reverse("tenancy:import_list")).status_code == 403
    investor_org = Organisation.objects.create(name="T&T Group", kind="investor")
    cluster.investor = investor_org
    cluster.save()
    investor = person("investor", roles.INVESTOR, organisation=investor_org)
    client.force_login(investor)
    response = upload(client, other, xlsx(GOOD_ROWS))
    assert response.status_code == 200 and "cluster" in response.context["form"].errors
    assert upload(client, cluster, xlsx(GOOD_ROWS)).status_code == 302


def test_another_users_import_is_not_found(client, en, cluster):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    investor_org = Organisation.objects.create(name="Khác", kind="investor")
    client.force_login(person("someone", roles.INVESTOR, organisation=investor_org))
    for name in ("tenancy:import_detail", "tenancy:import_progress", "tenancy:import_errors"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404
    assert client.post(reverse("tenancy:import_commit", args=[record.pk])).status_code == 404


def test_discarding_forgets_the_file(en, cluster):
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    en.post(reverse("tenancy:import_discard", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.DISCARDED and bytes(record.content) == b""
    en.post(reverse("tenancy:import_commit", args=[record.pk]))
    assert counts() == (0, 0)


# --- as jobs: the database queue, a lost connection -----------------------------------------------------


def run_worker() -> None:
    """A database worker in this process: it takes every task waiting in the queue, then returns."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_a_check_and_an_import_wait_for_a_worker(settings, client, hanoi):
    from icis.testing.factories import superuser

    settings.ICIS_JOBS_SYNC = False
    client.force_login(superuser())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    cluster = make_cluster(name="Cụm nền", area_ha=30, industrial_land_ha=Decimal("20"))
    record = checked(client, cluster, xlsx(GOOD_ROWS))
    assert record.status == TenantImport.Status.CHECKING and record.job.status == Job.Status.QUEUED
    assert record.job.task_id  # on the queue, once the upload's transaction committed
    assert 'id="import-queued"' in client.get(reverse("tenancy:import_detail", args=[record.pk])).content.decode()
    run_worker()
    record.refresh_from_db()
    assert record.status == TenantImport.Status.VALID, record.errors
    assert record.job.status == Job.Status.SUCCEEDED and counts() == (0, 0)
    client.post(reverse("tenancy:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.IMPORTING and counts() == (0, 0)
    run_worker()
    record.refresh_from_db()
    assert record.status == TenantImport.Status.IMPORTED and counts() == (2, 3)


def lose_the_connection_after(monkeypatch, rows: int) -> None:
    """The database goes away while the import is on row `rows` + 1 (as psycopg reports it)."""
    from django.db import OperationalError

    real = imports._Run.new_project
    calls = {"n": 0}

    def flaky(self, data):
        calls["n"] += 1
        if calls["n"] > rows:
            raise OperationalError("server closed the connection unexpectedly")
        return real(self, data)

    monkeypatch.setattr(imports._Run, "new_project", flaky)


def test_an_import_cut_by_a_lost_connection_ends_with_one_error_and_can_be_retried(en, cluster, monkeypatch):
    rows = [
        [f"Công ty {n}", f"01012345{n:02d}", "", "", "", f"Xưởng {n}", "0.1", "", "", "01/01/2024"] for n in range(60)
    ]
    data = xlsx(rows, headers=HEADERS[:10])
    record = checked(en, cluster, data)
    assert record.status == TenantImport.Status.VALID, record.errors
    lose_the_connection_after(monkeypatch, 30)
    en.post(reverse("tenancy:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.FAILED
    assert len(record.errors) == 1 and "connection to the database was lost" in record.errors[0]["message"]
    assert record.job.status == Job.Status.FAILED and record.job.retryable
    assert counts() == (0, 0)  # nothing half-written
    html = en.get(reverse("tenancy:import_detail", args=[record.pk])).content.decode()
    assert "connection to the database was lost" in html and reverse("tenancy:import_check", args=[record.pk]) in html
    monkeypatch.undo()
    en.post(reverse("tenancy:import_check", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.VALID
    en.post(reverse("tenancy:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.IMPORTED and counts() == (60, 60)


def test_a_check_cut_by_a_lost_connection_is_not_reported_as_bad_rows(en, cluster, monkeypatch):
    lose_the_connection_after(monkeypatch, 1)
    record = checked(en, cluster, xlsx(GOOD_ROWS))
    assert record.status == TenantImport.Status.FAILED and len(record.errors) == 1
    assert record.errors[0]["row"] is None and "connection to the database was lost" in record.errors[0]["message"]


def test_an_import_whose_temporary_key_file_fills_the_disk_fails_with_nothing_written(en, cluster, monkeypatch):
    """The cross-row keys live in a temporary file (icis/core/imports/spill.py): a full disk ends the job with a
    message an administrator can act on, nothing half-written, and it can be tried again."""
    import sqlite3

    from icis.core.imports import spill

    rows = [
        [f"Công ty {n}", f"01012345{n:02d}", "", "", "", f"Xưởng {n}", "0.1", "", "", "01/01/2024"] for n in range(60)
    ]
    record = checked(en, cluster, xlsx(rows, headers=HEADERS[:10]))
    assert record.status == TenantImport.Status.VALID, record.errors
    real = spill.DiskKeys.load

    def full(self, keys):
        if self.cache:  # on a later call than the first: some rows went in already
            raise sqlite3.OperationalError("database or disk is full")
        real(self, keys)

    monkeypatch.setattr(imports, "BATCH_ROWS", 20)
    monkeypatch.setattr(spill.DiskKeys, "flush", lambda self: None)  # the cache stays, so the second load fails
    monkeypatch.setattr(spill.DiskKeys, "load", full)
    en.post(reverse("tenancy:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.FAILED and len(record.errors) == 1
    message = record.errors[0]["message"]
    assert "temporary working file (database or disk is full); nothing was written" in message
    assert record.job.status == Job.Status.FAILED and record.job.retryable
    assert counts() == (0, 0)
    monkeypatch.undo()
    en.post(reverse("tenancy:import_check", args=[record.pk]))
    en.post(reverse("tenancy:import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == TenantImport.Status.IMPORTED and counts() == (60, 60)


def test_the_upload_is_protected_against_cross_site_requests(cluster, boss):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    response = upload(client, cluster, xlsx(GOOD_ROWS))
    assert response.status_code == 403 and TenantImport.objects.count() == 0


def test_an_existing_tenant_is_reused_and_a_different_name_is_only_a_note(en, cluster, boss):
    services.tenant_create(data={"name": "Tên Đăng Ký", "tax_code": "0101234567"}, actor=boss)
    record = checked(en, cluster, xlsx(GOOD_ROWS[:1]))
    assert record.status == TenantImport.Status.VALID
    assert record.summary["existing_tenants"] == 1 and record.summary["new_tenants"] == 0
    assert "already registered to “Tên Đăng Ký”" in record.warnings[0]["message"]


def test_an_investor_is_not_told_the_name_of_a_tenant_outside_its_scope(client, cluster, hanoi, boss):
    elsewhere = make_cluster(name="Cụm nơi khác", area_ha=10, industrial_land_ha=Decimal(10))
    tenant = services.tenant_create(data={"name": "Bí Mật", "tax_code": "0101234567"}, actor=boss)
    services.project_create(
        data={"cluster": elsewhere, "tenant": tenant, "land_ha": Decimal(1), "lease_start": datetime.date(2024, 1, 1)},
        actor=boss,
    )
    organisation = Organisation.objects.create(name="Chủ đầu tư", kind="investor")
    cluster.investor = organisation
    cluster.save()
    client.force_login(person("investor", roles.INVESTOR, organisation=organisation))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    record = checked(client, cluster, xlsx(GOOD_ROWS[:1]))
    assert record.status == TenantImport.Status.VALID
    assert "under another name" in record.warnings[0]["message"]
    assert "Bí Mật" not in str(record.warnings) and "Bí Mật" not in str(record.preview)
