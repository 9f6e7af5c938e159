"""The continuous-monitoring file (daily values of an automatic station) read through the import kit
(icis/core/imports/): inspected before parsing, CSV (comma or semicolon, UTF-8) or an Excel workbook, the
header found in Vietnamese or English, values with a decimal comma or point, dates dd/mm/yyyy or
yyyy-mm-dd, and every problem in the kit's one shape, with the `field` the API names (`rows[3].unit`).

`services.continuous_import` checks the rows against the catalogue and writes them, all or none.
"""

from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.imports import cells, inspection, reading
from icis.core.imports.problems import problem_at

COLUMNS = (
    reading.Column("date", "Ngày", "date", ("ngay", "ngay do", "ngay quan trac", "date", "day"), True),
    reading.Column("parameter", "Thông số", "parameter", ("thong so", "chi tieu", "parameter"), True),
    reading.Column("value", "Giá trị", "value", ("gia tri", "ket qua", "value", "result"), True),
    reading.Column("unit", "Đơn vị", "unit", ("don vi", "don vi tinh", "unit"), True),
    reading.Column("qualifier", "Dấu", "qualifier", ("dau", "qualifier"), False),
)
SCHEMA = reading.Schema(COLUMNS, identifying=("parameter",), min_columns=3)


def problem(table, row, field: str, message: str) -> dict:
    """The kit's shape (sheet, row, column letter, header, message) plus the `field` the API names."""
    letter, header = table.place(field) if table is not None else ("", "")
    return {**problem_at(table.sheet if table is not None else "", row, message, letter, header), "field": field}


def _file_problem(message: str, *, sheet: str = "", row: int | None = None) -> dict:
    return {**problem_at(sheet, row, message), "field": "header" if row else "file"}


def read_rows(content: bytes, filename: str = "monitoring.csv") -> tuple[object, list[dict], list[dict]]:
    """(table, rows, problems): each row {"row", "date", "parameter", "value", "unit", "qualifier"} with the date
    read (None when unreadable: a problem says so) and the value as text the catalogue reads ("12.5",
    "<0.001" split into value and qualifier by the caller). Problems about the file come alone."""
    try:
        kind = inspection.inspect_upload(filename, content)
    except inspection.UploadRefused as refused:
        return None, [], [_file_problem(refused.message)]
    try:
        table = reading.read_table(kind, content, filename, schema=SCHEMA)
        rows, problems = [], []
        for number, values in table.rows:
            raw = table.cells(values)
            row = {"row": number}
            try:
                row["date"] = cells.parse_date(raw.get("date"))
                if row["date"] is None:
                    raise cells.CellError("")
            except cells.CellError:
                row["date"] = None
                problems.append(problem(table, number, "date", _("Give the date as YYYY-MM-DD or dd/mm/yyyy.")))
            for key in ("parameter", "unit", "qualifier"):
                row[key] = cells.text(raw.get(key))
            row["value"] = _value_text(raw.get("value"))
            rows.append(row)
    except reading.FileProblem as refused:
        return None, [], [_file_problem(refused.message, sheet=refused.sheet, row=refused.row)]
    if not rows:
        return table, [], [_file_problem(_("The file has no data rows."))]
    return table, rows, problems


def _value_text(value) -> str:
    """A result as the catalogue reads it: "12,5" and 12.5 → "12.5"; "<0,001" → "<0.001"; other text as
    written (the catalogue refuses it, naming the parameter)."""
    if cells.is_number(value):
        return format(cells.parse_decimal(value).normalize(), "f")
    text = cells.text(value)
    below = text.startswith("<")
    body = text[1:].strip() if below else text
    try:
        number = formats.parse_decimal(body)
    except formats.NotANumber:
        return text
    if number is None:
        return text
    return ("<" if below else "") + format(number, "f")
