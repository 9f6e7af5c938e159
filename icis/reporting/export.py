"""Biểu 03/04 as files: an XLSX laid out like the official form (A4, print titles, signature block)
and a PDF rendered by WeasyPrint from the same HTML table the preview page shows."""

import io

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from icis.core import formats
from icis.core.export import safe_cell

from . import catalogue
from .formatting import PLACES
from .selectors import AreaReport

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
FONT = "Times New Roman"
WIDTHS = (7, 60, 11, 16, 42)  # TT | Chỉ tiêu | Đơn vị tính | Kết quả | Ghi chú
COLUMN_CSS = ("stt", "", "unit", "value", "note")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")


def filename(report: AreaReport, extension: str) -> str:
    area = f"-{report.commune.code}" if report.commune is not None else ""
    return f"bieu-{report.form}{area}-{report.period.code}.{extension}"


def header_lines(report: AreaReport) -> dict:
    """The wording above and below the table, shared by the XLSX, the PDF and the preview: the signed
    wording of Appendix I, with the sender, recipients, period and deadline filled in."""
    text = report.text
    return {
        "form_name": f"Biểu số {report.form}",
        "title": f"Biểu số {report.form}. {text.title}",
        "basis": catalogue.BASIS,
        "reporting_unit": f"{catalogue.SENDER}: {report.reporting_unit}",
        "sender_basis": catalogue.COMMUNE_BASIS if report.form == "03" else "",
        "recipients": f"{catalogue.RECIPIENTS}: {report.recipients}",
        "period": (
            f"{catalogue.PERIOD}: {report.period_label_vi} (số liệu từ ngày {formats.date(report.period.start)} "
            f"đến ngày {formats.date(report.period.end)})"
        ),
        "deadlines": text.deadlines,
        "deadline": f"Kỳ này: {report.deadline_text}",
        "generated": (
            f"Số liệu tính đến ngày {formats.date(report.as_of)}, "
            f"tổng hợp bởi ICIS ngày {formats.date(report.generated_on)} "
            "từ phương án phát triển cụm công nghiệp, sổ đăng ký cụm công nghiệp, các mốc xây dựng, dự án đầu tư "
            "trong cụm, sổ trạm xử lý nước thải và các Biểu 01, 02 đã được chấp nhận."
        ),
        # The province's settings name the signer (Biểu 04); blank, the form's own wording.
        "place_date": text.place_date,
        "signer": report.signer_title.upper() if report.signer_title else text.signer,
        "signer_hint": text.signer_hint,
        "signer_name": report.signer_name,
        "footnote": text.footnote,
        "columns": [
            {"vi": vi, "en": en, "css": css}
            for vi, en, css in zip(catalogue.COLUMNS, catalogue.COLUMNS_EN, COLUMN_CSS, strict=True)
        ],
        "column_numbers": catalogue.COLUMN_NUMBERS,
    }


def _cell(
    ws,
    row,
    column,
    value,
    *,
    bold=False,
    italic=False,
    size=12,
    align="left",
    wrap=True,
    border=False,
    fill=None,
    number_format=None,
):
    cell = ws.cell(row=row, column=column, value=value)
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if border:
        cell.border = BOX
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def _merged(ws, row, first, last, value, **style):
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    return _cell(ws, row, first, value, **style)


def xlsx_bytes(report: AreaReport) -> bytes:
    lines = header_lines(report)
    workbook = Workbook()
    ws = workbook.active
    ws.title = f"Bieu {report.form}"
    workbook.properties.title = f"{lines['title']} — {report.period_label_vi}"
    workbook.properties.creator = "ICIS"
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    row = 1
    _merged(ws, row, 1, 5, lines["title"], bold=True, size=13, align="center")
    ws.row_dimensions[row].height = 34
    row += 1
    _merged(ws, row, 1, 5, lines["basis"], italic=True, size=10, align="center")
    row += 1
    _merged(ws, row, 1, 5, safe_cell(lines["reporting_unit"]))
    if lines["sender_basis"]:
        row += 1
        _merged(ws, row, 1, 5, lines["sender_basis"], italic=True, size=10)
        ws.row_dimensions[row].height = 28
    row += 1
    _merged(ws, row, 1, 5, safe_cell(lines["recipients"]))
    ws.row_dimensions[row].height = 30
    row += 1
    _merged(ws, row, 1, 5, lines["period"])
    row += 1
    _merged(ws, row, 1, 5, lines["deadlines"], italic=True, size=11)
    ws.row_dimensions[row].height = 30
    row += 1
    _merged(ws, row, 1, 5, lines["deadline"], bold=True, size=11)

    header = row + 2
    for column, title in enumerate(catalogue.COLUMNS, start=1):
        _cell(ws, header, column, title, bold=True, align="center", border=True, fill=HEADER_FILL)
    ws.row_dimensions[header].height = 30
    for column, title in enumerate(catalogue.COLUMN_NUMBERS, start=1):
        _cell(ws, header + 1, column, title, italic=True, size=10, align="center", border=True)
    row = header + 2
    for section, indicators in report.sections:
        _cell(ws, row, 1, section.code, bold=True, align="center", border=True, fill=SECTION_FILL)
        _cell(ws, row, 2, section.label, bold=True, border=True, fill=SECTION_FILL)
        for column in (3, 4, 5):
            _cell(ws, row, column, None, border=True, fill=SECTION_FILL)
        row += 1
        for indicator in indicators:
            sub = indicator.is_sub_item
            _cell(ws, row, 1, indicator.number, italic=sub, align="center", border=True)
            label = _cell(ws, row, 2, indicator.label, italic=sub, border=True)
            label.alignment = Alignment(vertical="center", wrap_text=True, indent=2 if sub else 0)
            _cell(ws, row, 3, indicator.unit, align="center", border=True)
            places = PLACES.get(indicator.unit, 0)
            if indicator.value is None:
                _cell(ws, row, 4, "—", align="right", border=True)
            else:
                _cell(
                    ws,
                    row,
                    4,
                    indicator.value,
                    align="right",
                    border=True,
                    number_format="#,##0" if places == 0 else "#,##0.00",
                )
            _cell(ws, row, 5, safe_cell(indicator.note) or None, size=10, border=True)
            row += 1

    row += 1
    for remark, _english in report.remarks:
        _merged(ws, row, 1, 5, safe_cell(f"Ghi chú: {remark}"), italic=True, size=10)
        ws.row_dimensions[row].height = 28
        row += 1
    _merged(ws, row, 1, 5, lines["generated"], italic=True, size=10)
    ws.row_dimensions[row].height = 28
    row += 2
    _merged(ws, row, 3, 5, lines["place_date"], italic=True, align="center")
    row += 1
    _merged(ws, row, 3, 5, lines["signer"], bold=True, align="center")
    row += 1
    _merged(ws, row, 3, 5, lines["signer_hint"], italic=True, size=10, align="center")
    if lines["signer_name"]:
        row += 4  # room for the signature and the seal
        _merged(ws, row, 3, 5, safe_cell(lines["signer_name"]), bold=True, align="center")
    if lines["footnote"]:
        row += 4
        _merged(ws, row, 1, 5, lines["footnote"], italic=True, size=10)
        ws.row_dimensions[row].height = 28

    ws.freeze_panes = ws.cell(row=header + 2, column=1)
    ws.print_title_rows = f"{header}:{header + 1}"
    ws.print_area = f"A1:E{row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.6, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.right.text = "Trang &P/&N"
    ws.oddFooter.left.text = f"{lines['form_name']} — {report.period.code}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_html(report: AreaReport) -> str:
    """The HTML WeasyPrint turns into the PDF: the preview's form body on A4."""
    return render_to_string("reporting/form_document.html", {"report": report, "lines": header_lines(report)})


def pdf_bytes(report: AreaReport) -> bytes:
    import weasyprint  # imported here: it needs the system's Pango, and only this output uses it

    return weasyprint.HTML(string=pdf_html(report)).write_pdf()
