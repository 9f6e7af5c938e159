"""Tenant lists out of ICIS: XLSX and CSV exports of tenant projects with their tenants, and the import
template. The columns are the import's (`imports.COLUMNS`), after the cluster's code and name, so an
export can be corrected and imported again.

Every text cell goes through `safe_cell`: text that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) gets a leading apostrophe; in XLSX it is also written as a
string cell, never a formula.
"""

import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from icis.core import formats
from icis.core.export import csv_response, safe_cell

from .imports import COLUMNS, STATUS_LABELS, column_header, status_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
LAND_FORMAT = "0.00##"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
EXAMPLE_FONT = Font(italic=True, color="808080")
WIDTHS = {"tenant_name": 36, "project_name": 30, "approval_number": 22, "cluster_name": 30, "note": 24}

# (key, Vietnamese header, English header): the cluster first, then the import's columns, then a note.
EXPORT_COLUMNS = (
    ("cluster_code", "Mã cụm", "Cluster code"),
    ("cluster_name", "Cụm công nghiệp", "Cluster"),
    *((column.key, column.vi, column.en) for column in COLUMNS),
    ("note", "Ghi chú", "Note"),
)


def _english(language: str | None = None) -> bool:
    return (language or translation.get_language() or "vi").startswith("en")


def export_headers(language: str | None = None) -> list[str]:
    return [en if _english(language) else vi for _key, vi, en in EXPORT_COLUMNS]


def yes_no(value: bool, language: str | None = None) -> str:
    if _english(language):
        return "yes" if value else "no"
    return "có" if value else "không"


def project_rows(projects, language: str | None = None):
    """One list of typed values (text, Decimal, int, date) per project, in EXPORT_COLUMNS order."""
    illustrative = "Illustrative, not real data" if _english(language) else "Số liệu minh họa, không phải thật"
    for project in projects.select_related("tenant", "cluster"):
        tenant, cluster = project.tenant, project.cluster
        yield [
            cluster.code,
            cluster.name,
            tenant.name,
            tenant.tax_code,
            yes_no(tenant.is_fdi, language),
            tenant.country,
            tenant.sector,
            project.name,
            project.land_ha,
            project.approval_number,
            project.approval_date,
            project.lease_start,
            project.lease_end,
            status_label(project.status, language),
            project.ended_on,
            project.employees,
            illustrative if project.is_illustrative else "",
        ]


def _text_cell(sheet, value) -> WriteOnlyCell:
    text = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text
    return cell


def xlsx_cell(sheet, value, *, font=None) -> WriteOnlyCell:
    """A typed cell: dates as dates (dd/mm/yyyy), numbers as numbers, everything else as safe text."""
    if value is None or value == "":
        cell = WriteOnlyCell(sheet, value=None)
    elif isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value.date())
        cell.number_format = DATE_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = LAND_FORMAT
    elif isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = _text_cell(sheet, value)
    if font is not None:
        cell.font = font
    return cell


def _header_cells(sheet, headers) -> list:
    cells = []
    for header in headers:
        cell = _text_cell(sheet, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _set_widths(sheet, keys) -> None:
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 16)


def workbook_bytes(*, title: str, headers: list[str], keys: list[str], rows) -> bytes:
    """A one-sheet workbook: bold frozen header with a filter, then the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    _set_widths(sheet, keys)
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, headers))
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_value(value):
    if isinstance(value, datetime.date):
        return formats.date(value)
    if isinstance(value, Decimal):
        return formats.plain(value)
    return value


def export_filename(cluster, extension: str) -> str:
    scope = slugify(cluster.code) if cluster is not None else "all"
    return f"tenant-projects-{scope or 'cluster'}-{timezone.localdate():%Y%m%d}.{extension}"


def projects_export(projects, *, fmt: str, cluster=None, language: str | None = None) -> HttpResponse:
    """The tenant projects as an XLSX or CSV download, in the current language."""
    headers = export_headers(language)
    rows = project_rows(projects, language)
    if fmt == "csv":
        return csv_response(
            export_filename(cluster, "csv"), headers, ([_csv_value(value) for value in row] for row in rows)
        )
    title = "Tenant projects" if _english(language) else "Danh sách"
    content = workbook_bytes(title=title, headers=headers, keys=[key for key, *_ in EXPORT_COLUMNS], rows=rows)
    return xlsx_response(export_filename(cluster, "xlsx"), content)


# --- the import template --------------------------------------------------------------------------------------


ACCEPTED = {
    "tenant_name": ("Bắt buộc.", "Required."),
    "tax_code": (
        "Bắt buộc. 10 chữ số, hoặc 10 chữ số-3 chữ số cho chi nhánh (0101234567-001). Định dạng cột là Văn bản "
        "(Text) để giữ số 0 đầu.",
        "Required. 10 digits, or 10 digits-3 digits for a branch (0101234567-001). Keep the column as Text so a "
        "leading zero is not lost.",
    ),
    "is_fdi": ("có/không, yes/no, 1/0; trống = không.", "có/không, yes/no, 1/0; empty = no."),
    "country": ("Mã ISO 2 chữ cái (VN, KR, JP…); trống = VN.", "Two-letter ISO code (VN, KR, JP…); empty = VN."),
    "sector": ("Mã ngành VSIC, ví dụ C2592.", "VSIC code, e.g. C2592."),
    "project_name": ("", ""),
    "land_ha": (
        "Bắt buộc. Số ha > 0, tối đa 4 chữ số thập phân (1,25 hoặc 1.25). Tổng không vượt đất công nghiệp còn lại.",
        "Required. Hectares > 0, up to 4 decimals (1,25 or 1.25). The total may not exceed the industrial land left.",
    ),
    "approval_number": ("", ""),
    "approval_date": ("dd/mm/yyyy hoặc ô ngày của Excel.", "dd/mm/yyyy or an Excel date."),
    "lease_start": (
        "dd/mm/yyyy. Cần ngày bắt đầu thuê hoặc ngày cấp.",
        "dd/mm/yyyy. The lease start or the approval date is needed.",
    ),
    "lease_end": ("dd/mm/yyyy, sau ngày bắt đầu thuê.", "dd/mm/yyyy, after the lease start."),
    "status": ("", ""),
    "ended_on": ("dd/mm/yyyy; bắt buộc khi tình trạng là Đã rời cụm.", "dd/mm/yyyy; required when the tenant left."),
    "employees": ("Số nguyên ≥ 0.", "Whole number ≥ 0."),
}


def template_bytes(language: str | None = None) -> bytes:
    """The import template: the header row, one example row (grey italics, marked, skipped on import)
    and a sheet explaining every column."""
    english = _english(language)
    book = Workbook()
    sheet = book.active
    sheet.title = "Tenant list" if english else "Danh sách"
    headers = [column_header(column, language) for column in COLUMNS]
    for index, (column, header) in enumerate(zip(COLUMNS, headers, strict=True), start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column.key, 16)
        example = column.example
        if column.key == "tenant_name" and english:
            example = "Example: Minh Anh Engineering Co., Ltd"
        if column.key == "is_fdi" and english:
            example = "no"
        if column.key == "status":
            example = status_label("building", language)
        value_cell = sheet.cell(row=2, column=index, value=example)
        value_cell.font = EXAMPLE_FONT
        if isinstance(example, datetime.date):
            value_cell.number_format = DATE_FORMAT
        elif isinstance(example, Decimal):
            value_cell.number_format = LAND_FORMAT
        if column.key == "tax_code":
            value_cell.number_format = "@"
    note = (
        "Example row: rows whose tenant name starts with “Example” are skipped. Replace it with your tenants."
        if english
        else "Dòng ví dụ: dòng có tên doanh nghiệp bắt đầu bằng “Ví dụ” được bỏ qua khi nhập. "
        "Thay bằng doanh nghiệp của bạn."
    )
    sheet["A2"].comment = Comment(note, "ICIS")
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["B"].number_format = "@"  # tax codes as text, so Excel keeps the leading zero
    statuses = ",".join(status_label(value, language) for value in STATUS_LABELS)
    for key, formula in (
        ("is_fdi", '"có,không,yes,no"' if not english else '"yes,no,có,không"'),
        ("status", f'"{statuses}"'),
    ):
        letter = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        validation.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(validation)

    guide = book.create_sheet("Instructions" if english else "Hướng dẫn")
    guide.append(
        ["Column", "Header", "Other accepted headers", "Values"]
        if english
        else ["Cột", "Tiêu đề", "Tiêu đề khác được chấp nhận", "Giá trị"]
    )
    for cell in guide[1]:
        cell.font = HEADER_FONT
    for index, column in enumerate(COLUMNS, start=1):
        vi, en = ACCEPTED[column.key]
        values = en if english else vi
        if column.key == "status":
            values = "; ".join(f"{label_vi} / {label_en}" for label_vi, label_en in STATUS_LABELS.values())
        other = column.vi if english else column.en
        guide.append([get_column_letter(index), column_header(column, language), other, values])
    for letter, width in zip("ABCD", (8, 34, 34, 100), strict=True):
        guide.column_dimensions[letter].width = width
    guide.append([])
    guide.append(
        [
            "One row per tenant project. A tenant already registered (same tax code) is reused; a new one is created. "
            "Nothing is written until every row is correct."
            if english
            else "Mỗi dòng là một dự án của doanh nghiệp thứ cấp. Doanh nghiệp đã có (cùng mã số thuế) được dùng lại; "
            "doanh nghiệp mới được tạo. Không ghi gì cho tới khi mọi dòng đều đúng."
        ]
    )
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
