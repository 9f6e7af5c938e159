"""The import kit (icis/core/imports/): inspection, header matching in Vietnamese and English, cells, the
one error shape, streaming reading, the workbook handed back with its errors marked; and the monitoring
import on it (an XLSX file with decimal commas)."""

import datetime
import io
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings

from icis.core.imports import cells, inspection, marked, problems, reading
from icis.testing import factories

SCHEMA = reading.Schema(
    [
        reading.Column("name", "Tên", "Name", ("ten doanh nghiep",), True),
        reading.Column("area", "Diện tích (ha)", "Area (ha)", ("dien tich",), True),
        reading.Column("day", "Ngày", "Date", (), False),
        reading.Column("ok", "Đạt (có/không)", "Passed (yes/no)", (), False),
    ],
    identifying=("name",),
    min_columns=2,
)


def workbook(rows, *, title=None, sheet="Danh sách") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_headers_match_in_vietnamese_and_english_without_diacritics_case_or_brackets():
    for header in (["Tên", "DIỆN TÍCH (ha)"], ["name", "area"], ["Ten doanh nghiep", "Dien tich (m2?)"]):
        table = reading.read_table("xlsx", workbook([header, ["A", "1,5"]]), schema=SCHEMA)
        assert set(table.columns) == {"name", "area"}
        assert [values for _n, values in table.rows] == [["A", "1,5"]]


def test_title_rows_unknown_columns_and_blank_rows():
    content = workbook([["STT", "Tên", "Diện tích (ha)"], [1, "A", 2], [None, None, None], [2, "B", 3]], title="T")
    # (rows are cut after the last known column)
    table = reading.read_table("xlsx", content, schema=SCHEMA)
    assert table.header_row == 2 and table.ignored == [("A", "STT")]
    assert table.place("area") == ("C", "Diện tích (ha)")
    assert [number for number, _values in table.rows] == [3, 5]


def test_missing_required_column_and_no_header_are_file_problems(english):
    with pytest.raises(reading.FileProblem, match="Diện tích"):
        reading.read_table("xlsx", workbook([["Tên", "Ngày"], ["A", "1/1/2024"]]), schema=SCHEMA)
    with pytest.raises(reading.FileProblem, match="header row"):
        reading.read_table("xlsx", workbook([["x", "y"], ["A", 1]]), schema=SCHEMA)


def test_csv_with_semicolons_and_the_row_limit(english):
    content = "Tên;Diện tích (ha)\nA;1,5\nB;2\nC;3\n".encode()
    table = reading.read_table("csv", content, "list.csv", schema=SCHEMA)
    assert table.sheet == "list" and [v for _n, v in table.rows] == [["A", "1,5"], ["B", "2"], ["C", "3"]]
    table = reading.read_table("csv", content, "list.csv", schema=SCHEMA, max_rows=2)
    with pytest.raises(reading.FileProblem, match="more than 2 rows"):
        list(table.rows)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("37,78", Decimal("37.78")), ("1.234,5", Decimal("1234.5")), ("1,234.5", Decimal("1234.5")), (0.1 + 0.2, None)],
)
def test_decimal_cells(value, expected):
    parsed = cells.parse_decimal(value)
    assert parsed == (expected if expected is not None else Decimal("0.3"))


def test_other_cells(english):
    assert cells.parse_date("05/03/2024") == datetime.date(2024, 3, 5)
    assert cells.parse_date("2024-03-05") == datetime.date(2024, 3, 5)
    assert cells.parse_date(datetime.datetime(2024, 3, 5, 0, 0)) == datetime.date(2024, 3, 5)
    with pytest.raises(cells.CellError, match="dd/mm/yyyy"):
        cells.parse_date("31/02/2024")
    assert cells.parse_yes_no("Có") is True and cells.parse_yes_no("không") is False and not cells.parse_yes_no("")
    with pytest.raises(cells.CellError):
        cells.parse_yes_no("maybe")
    assert cells.parse_whole("1.200") == 1200
    with pytest.raises(cells.CellError, match="whole"):
        cells.parse_whole("1,5")
    lookup = {"ha noi": "01", "01": "01"}
    assert cells.parse_code("Hà Nội", lookup, what="province") == "01"
    with pytest.raises(cells.CellError, match="not a known province"):
        cells.parse_code("Atlantis", lookup, what="province", shown="Hà Nội")


def test_one_error_shape_and_its_sentence(english):
    problem = problems.problem_at("Danh sách", 7, "bad", "B", "Mã số thuế")
    assert set(problem) == {"sheet", "row", "column", "header", "message"}
    assert problems.describe(problem) == "Sheet 'Danh sách', row 7, column B (Mã số thuế): bad"
    assert problems.describe(problems.problem_at("S", 3, "x")) == "Sheet 'S', row 3: x"
    outcome = problems.Outcome()
    for n in range(5):
        outcome.add(problems.problem_at("S", n, "x"), limit=3)
    assert len(outcome.errors) == 4 and "More problems" in outcome.errors[-1]["message"]


@pytest.fixture
def english(settings):
    yield from factories.english(settings)


def test_hostile_files_are_refused_before_parsing():
    with pytest.raises(inspection.UploadRefused):
        inspection.inspect_upload("x.xlsx", b"PK\x03\x04 not a zip")
    with pytest.raises(inspection.UploadRefused):
        inspection.inspect_upload("x.exe", b"MZ\x90\x00")
    with pytest.raises(inspection.UploadRefused):
        inspection.inspect_upload("x.csv", "a,b\n".encode("utf-16"))
    assert inspection.inspect_upload("x.xlsx", workbook([["Tên", "Diện tích"]])) == "xlsx"
    assert inspection.inspect_upload("x.csv", b"a,b\n1,2\n") == "csv"


def test_the_workbook_comes_back_with_its_errors_marked():
    content = workbook([["Tên", "Diện tích (ha)"], ["A", "abc"], ["B", "2"]])
    found = [
        problems.problem_at("Danh sách", 2, "'abc' is not a number.", "B", "Diện tích (ha)"),
        problems.problem_at("Danh sách", 3, "whole row"),
        problems.problem_at("", None, "about the file"),
    ]
    book = openpyxl.load_workbook(io.BytesIO(marked.marked_workbook(content, found)))
    cell = book["Danh sách"]["B2"]
    assert "'abc' is not a number." in cell.comment.text and cell.fill.start_color.rgb.endswith("F4CCCC")
    assert "whole row" in book["Danh sách"]["A3"].comment.text
    listing = book.worksheets[0]
    assert [row[4] for row in listing.iter_rows(min_row=2, values_only=True)] == [p["message"] for p in found]


def test_reading_streams_rows_instead_of_holding_them():
    def peak(rows: int, *, hold: bool = False) -> int:
        # Numbers and repeated texts: a workbook's shared-string table (each distinct text once) is read
        # whole by openpyxl; the rows themselves are streamed.
        content = workbook([["Tên", "Diện tích (ha)"], *[["Synthetic", n + 0.5] for n in range(rows)]])
        tracemalloc.start()
        table = reading.read_table("xlsx", content, schema=SCHEMA, max_rows=rows)
        count = len(list(table.rows)) if hold else sum(1 for _row in table.rows)
        _now, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == rows
        return high

    peak(100)  # imports and caches first, so they are not counted below
    # openpyxl's parser keeps an emptied element per row (tens of bytes), so the peak is not perfectly flat;
    # what matters is that the rows are not held. A ratio of two streamed peaks proved flaky on a busy
    # machine; the flat-memory figures for large workbooks are measured in the benchmark.
    streamed, held = peak(20000), peak(20000, hold=True)
    assert streamed * 2 < held


# --- the monitoring import on the kit ------------------------------------------------------------------------


@pytest.mark.django_db
def test_monitoring_rows_from_a_workbook_with_decimal_commas(english):
    from icis.environment import imports as monitoring

    content = workbook(
        [
            ["Ngày", "Thông số", "Giá trị", "Đơn vị"],
            ["01/03/2026", "TSS", "12,5", "mg/l"],
            [datetime.datetime(2026, 3, 2), "COD", 1234.5, "mg/l"],
            ["31/02/2026", "COD", "<0,01", "mg/l"],
        ],
        sheet="Trạm",
    )
    table, rows, found = monitoring.read_rows(content, "station.xlsx")
    assert [(r["row"], r["date"], r["value"]) for r in rows] == [
        (2, datetime.date(2026, 3, 1), "12.5"),
        (3, datetime.date(2026, 3, 2), "1234.5"),
        (4, None, "<0.01"),
    ]
    assert found == [
        {
            "sheet": "Trạm",
            "row": 4,
            "column": "A",
            "header": "Ngày",
            "field": "date",
            "message": "Give the date as YYYY-MM-DD or dd/mm/yyyy.",
        }
    ]


@pytest.mark.django_db
@override_settings(ICIS_IMPORT_MAX_ROWS=50_000)
def test_monitoring_refuses_a_hostile_file_before_parsing():
    from icis.environment import imports as monitoring

    _table, rows, found = monitoring.read_rows(b"PK\x03\x04broken", "station.xlsx")
    assert rows == [] and found[0]["field"] == "file" and found[0]["row"] is None
