import io
import re
import zlib
from decimal import Decimal

from openpyxl import load_workbook

from icis.reporting import catalogue, export
from icis.reporting.selectors import area_report
from icis.tenancy import periods

from .registry import EXPECTED_04

H1 = periods.parse("2026-H1")


def sheet_cells(report):
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(report))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_is_laid_out_like_the_official_form(registry, boss):
    report = area_report(form="04", period=H1, user=boss)
    cells = sheet_cells(report)
    text = "\n".join(" ".join(str(v) for v in row if v is not None) for row in cells)
    assert "Biểu số 04. Tổng hợp tình hình cụm công nghiệp trên địa bàn cấp tỉnh" in text
    assert catalogue.BASIS in text
    assert "Kỳ báo cáo: 6 tháng đầu năm 2026 (số liệu từ ngày 15/12/2025 đến ngày 14/06/2026)" in text
    assert "Đơn vị gửi báo cáo: Sở Công Thương thành phố Hà Nội" in text
    assert "Đơn vị nhận báo cáo: Ủy ban nhân dân thành phố Hà Nội, Bộ Công Thương (Cục Công Thương địa phương)" in text
    assert "Kỳ này: Trước ngày 30/06/2026" in text
    assert list(catalogue.COLUMNS) in cells
    assert list(catalogue.COLUMN_NUMBERS) in cells
    assert "GIÁM ĐỐC SỞ CÔNG THƯƠNG" in text and "(Chữ ký, họ và tên, dấu)" in text
    assert "Người lập biểu" not in text and "Ngày nhận báo cáo" not in text
    rows = {row[0]: row for row in cells if row[0] in EXPECTED_04}
    assert set(rows) == set(EXPECTED_04)
    for number, expected in EXPECTED_04.items():
        assert Decimal(str(rows[number][3])) == expected, number
        assert rows[number][1] == catalogue.BY_NUMBER[number].label
        assert rows[number][2] == catalogue.BY_NUMBER[number].unit[0]
    assert [row[0] for row in cells if row[0] in ("I", "II", "III")] == ["I", "II", "III"]


def test_form_03_is_made_by_the_commune_and_signed_for_its_peoples_committee(registry, boss):
    from icis.geo.models import Commune

    report = area_report(form="03", period=H1, user=boss, commune=Commune.objects.get(code="10273"))
    text = "\n".join(" ".join(str(v) for v in row if v is not None) for row in sheet_cells(report))
    assert "Biểu số 03. Tổng hợp tình hình cụm công nghiệp trên địa bàn cấp huyện" in text
    assert "Đơn vị gửi báo cáo: Ủy ban nhân dân xã Phú Xuyên" in text
    assert "Điều 6 Nghị định số 139/2025/NĐ-CP" in text
    assert "Đơn vị nhận báo cáo: Ủy ban nhân dân thành phố Hà Nội, Sở Công Thương thành phố Hà Nội" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "GIÁM ĐỐC" not in text
    assert "Kỳ này: Trước ngày 25/06/2026" in text
    assert catalogue.FORM_03.footnote in text


def test_xlsx_prints_on_a4_with_the_header_repeated(registry, boss):
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(area_report(form="04", period=H1, user=boss)))).active
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$9:$10"


def pdf_objects(data: bytes) -> bytes:
    """The PDF's objects with its compressed streams (WeasyPrint packs objects into them) inflated."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_pdf_renders_the_form_on_a4(registry, boss):
    data = export.pdf_bytes(area_report(form="04", period=H1, user=boss))
    assert data.startswith(b"%PDF")
    objects = pdf_objects(data)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", objects))
    assert 1 <= pages <= 3
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.\d+ 841\.\d+", objects)  # A4 in points


def test_file_names_say_form_commune_and_period(registry, boss):
    from icis.geo.models import Commune

    report = area_report(form="03", period=H1, user=boss, commune=Commune.objects.get(code="10273"))
    assert export.filename(report, "xlsx") == "bieu-03-10273-2026-H1.xlsx"


def test_form_04_prints_the_signer_and_place_from_the_provinces_settings(registry, boss):
    """geo.ProvinceSettings holds who signs Biểu 04 (title and name); blank, the form's own wording."""
    from icis.geo.models import Commune, ProvinceSettings

    from .test_signed_wording import rendered_text

    ProvinceSettings.objects.filter(province_id="01").update(
        signer_title="Phó Giám đốc Sở Công Thương", signer_name="Nguyễn Văn Thử", briefing_place="Nơi Thử"
    )
    report = area_report(form="04", period=H1, user=boss)
    text = "\n".join(" ".join(str(v) for v in row if v is not None) for row in sheet_cells(report))
    assert "PHÓ GIÁM ĐỐC SỞ CÔNG THƯƠNG" in text and "Nguyễn Văn Thử" in text
    assert "..., ngày ... tháng … năm ..." in text  # the place and the day are the signing office's
    assert "\nGIÁM ĐỐC SỞ CÔNG THƯƠNG" not in text
    laid_out = rendered_text(report)
    assert "PHÓ GIÁM ĐỐC SỞ CÔNG THƯƠNG" in laid_out and "Nguyễn Văn Thử" in laid_out
    # Biểu 03 is signed for the commune People's Committee, not by the province's signer.
    form_03 = area_report(form="03", period=H1, user=boss, commune=Commune.objects.get(code="10273"))
    text = "\n".join(" ".join(str(v) for v in row if v is not None) for row in sheet_cells(form_03))
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Nguyễn Văn Thử" not in text
