"""The yearly list of awards as files: an XLSX and a PDF (WeasyPrint, from the HTML the page shows)."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.export import safe_cell
from icis.core.text import fold

from .selectors import YearlyList

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def filename(report: YearlyList, extension: str) -> str:
    area = f"-{report.province.code}" if report.province is not None else ""
    return f"{'-'.join(fold(_('awards')).split())}-{report.year}{area}.{extension}"


def heading(report: YearlyList) -> str:
    where = report.province.name if report.province is not None else _("every province in your scope")
    return _("Commendation for cluster work in %(year)s — %(where)s") % {"year": report.year, "where": where}


def columns() -> list[str]:
    return [
        _("No."),
        _("Nominee"),
        _("Kind"),
        _("Form or title"),
        _("Decided by"),
        _("Achievement"),
        _("Clusters concerned"),
        _("Deciding document"),
        _("Awarded on"),
    ]


def row_cells(index: int, row) -> list:
    achievement = row.achievement
    return [
        index,
        achievement.recipient,
        achievement.get_recipient_kind_display(),
        row.title.name,
        row.title.get_authority_display(),
        achievement.description,
        ", ".join(cluster.name for cluster in achievement.clusters.all()),
        str(row.decision) if row.decision_id else "",
        row.awarded_on,
    ]


def xlsx_bytes(report: YearlyList) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(report.year)
    sheet.append([safe_cell(heading(report))])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Generated on %(date)s") % {"date": formats.date(timezone.localdate())}])
    for section in report.sections:
        sheet.append([])
        sheet.append([safe_cell(str(section.label))])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(columns())
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        if not section.rows:
            sheet.append(["", _("None.")])
        for index, row in enumerate(section.rows, start=1):
            cells = row_cells(index, row)
            sheet.append([safe_cell(value) if isinstance(value, str) else value for value in cells])
            sheet.cell(row=sheet.max_row, column=9).number_format = "dd/mm/yyyy"
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHI", (6, 34, 12, 26, 26, 50, 30, 30, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_html(report: YearlyList) -> str:
    return render_to_string(
        "awards/yearly_document.html",
        {"report": report, "heading": heading(report), "generated_on": timezone.localdate()},
    )


def pdf_bytes(report: YearlyList) -> bytes:
    import weasyprint  # imported here: it needs the system's Pango, and only this output uses it

    return weasyprint.HTML(string=pdf_html(report)).write_pdf()
