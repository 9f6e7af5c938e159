"""The workbook handed back with the errors marked in its cells: each cell named by an error gets a red
fill and a comment holding the message(s); an error about a whole row marks the row's first cell; an
error about the file goes into a first sheet "Lỗi / Errors" that lists every problem (describe()).

The user corrects the marked cells in the file they know and uploads it again. Only for XLSX uploads
that passed inspection; a CSV upload gets the list as CSV instead.
"""

import io
from collections import defaultdict

from django.utils.translation import gettext as _

from .problems import describe

FILL = "FFF4CCCC"
MAX_MARKED = 5000
# Marking needs the whole workbook in memory (openpyxl cannot edit a streamed one): only workbooks whose
# parts inflate to at most this are handed back marked; larger ones get the list of problems alone.
MAX_MARKED_INFLATED_BYTES = 20 * 1024 * 1024


def can_mark(data: bytes) -> bool:
    """Whether `data` (an inspected XLSX) is small enough to be handed back marked."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= MAX_MARKED_INFLATED_BYTES
    except zipfile.BadZipFile:
        return False


def marked_workbook(data: bytes, problems: list[dict]) -> bytes:
    """The uploaded workbook with `problems` marked in their cells, and a sheet listing them all.
    Call `can_mark` first."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    workbook = openpyxl.load_workbook(io.BytesIO(data), keep_links=False)
    by_cell = defaultdict(list)
    for problem in problems[:MAX_MARKED]:
        sheet, row = problem.get("sheet"), problem.get("row")
        if not sheet or not row or sheet not in workbook.sheetnames:
            continue
        by_cell[(sheet, f"{problem.get('column') or 'A'}{row}")].append(problem.get("message") or "")
    fill = PatternFill("solid", start_color=FILL, end_color=FILL)
    for (sheet, ref), messages in by_cell.items():
        cell = workbook[sheet][ref]
        cell.fill = fill
        comment = Comment("\n".join(messages)[:30000], "ICIS")
        comment.width, comment.height = 320, 40 + 30 * min(len(messages), 10)
        cell.comment = comment
    listing = workbook.create_sheet(_("Errors")[:31], 0)
    listing.append([_("Sheet"), _("Row"), _("Column"), _("Header"), _("Problem")])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for problem in problems:
        listing.append(
            [
                problem.get("sheet") or "",
                problem.get("row"),
                problem.get("column") or "",
                problem.get("header") or "",
                problem.get("message") or describe(problem),
            ]
        )
    listing.column_dimensions["E"].width = 100
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
