"""The registry workbook of one province: its sheets, their columns, reading them, the template and the export.

Sheets (found by their name, Vietnamese or English; an instructions sheet and unknown sheets are ignored):

| sheet | one row per | identified by |
| --- | --- | --- |
| Cụm công nghiệp / Clusters | cluster | its code |
| Phương án / Plans | plan version (decision, horizon, vision, in force) | its name |
| Danh mục phương án / Plan entries | cluster in a plan version (group, planned area, phase) | plan + cluster |
| Lịch sử trạng thái / Status history | lifecycle step (date blank = unknown, document) | cluster + status + date |
| Văn bản / Documents | document (number, year, issuer, kind, date, title) | number + year + issuer |

Headers are matched as the import kit matches them (icis/core/imports/reading.py): no case, no diacritics,
nothing in brackets. Rows are streamed (fastxlsx: lxml iterparse), each checked as it is read and not kept.
"""

import datetime
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from icis.core.export import safe_cell
from icis.core.imports.cells import blank, words
from icis.core.imports.inspection import HEADER_SEARCH_ROWS
from icis.core.imports.reading import MAX_COLUMNS, Column, FileProblem, Schema, Table, match_header, too_many_rows

C = Column

CLUSTERS, PLANS, ENTRIES, HISTORY, DOCUMENTS = "clusters", "plans", "entries", "history", "documents"

SCHEMAS: dict[str, Schema] = {
    CLUSTERS: Schema(
        (
            C("code", "Mã cụm", "Cluster code", ("ma", "ma ccn", "code"), True),
            C("name", "Tên cụm", "Name", ("ten", "ten ccn", "ten cum cong nghiep", "name"), True),
            C("name_ascii", "Tên không dấu", "Name (ASCII)", ("ten tieng anh", "name ascii")),
            C("kind", "Loại cụm", "Kind", ("loai", "kind")),
            C("province", "Mã tỉnh", "Province code", ("tinh", "ma tinh thanh pho", "province"), True),
            C("communes", "Xã, phường (mã; * = xã chủ trì)", "Communes (codes; * = lead)", ("xa", "communes")),
            C("legacy_district", "Huyện cũ (mã)", "Former district (code)", ("huyen cu", "huyen")),
            C("legacy_communes", "Xã cũ (mã)", "Former communes (codes)", ("xa cu",)),
            C("planned_area_ha", "Diện tích quy hoạch (ha)", "Planned area (ha)", ("dien tich quy hoach",)),
            C("area_ha", "Diện tích (ha)", "Area (ha)", ("dien tich", "area")),
            C("industrial_land_ha", "Đất công nghiệp (ha)", "Industrial land (ha)", ("dien tich dat cong nghiep",)),
            C("investor", "Chủ đầu tư hạ tầng", "Infrastructure investor", ("chu dau tu", "investor")),
            C("latitude", "Vĩ độ", "Latitude", ("lat",)),
            C("longitude", "Kinh độ", "Longitude", ("lon", "lng")),
            C("sectors", "Ngành nghề (mã)", "Sectors (codes)", ("nganh nghe", "sectors")),
            C("industrial_park_name", "Đã chuyển thành KCN", "Became industrial park", ("khu cong nghiep",)),
            C("notes", "Ghi chú", "Notes", ("notes",)),
        ),
        identifying=("code",),
    ),
    PLANS: Schema(
        (
            C("plan", "Phương án", "Plan version", ("ten phuong an", "plan"), True),
            C("doc_number", "Số quyết định", "Decision number", ("so van ban",)),
            C("doc_year", "Năm quyết định", "Decision year", ("nam",)),
            C("doc_issuer", "Cơ quan ban hành", "Issuer", ("issuer",)),
            C("approved_on", "Ngày phê duyệt", "Approved on", ("ngay",)),
            C("horizon_year", "Đến năm", "Horizon year", ("giai doan den nam", "horizon"), True),
            C("vision_year", "Tầm nhìn đến năm", "Vision year", ("tam nhin", "vision")),
            C("is_current", "Đang có hiệu lực", "In force", ("hieu luc", "current")),
            C("amends", "Điều chỉnh phương án", "Amends", ("dieu chinh",)),
        ),
        identifying=("plan",),
        min_columns=2,
    ),
    ENTRIES: Schema(
        (
            C("plan", "Phương án", "Plan version", ("ten phuong an", "plan"), True),
            C("cluster_code", "Mã cụm", "Cluster code", ("ma", "code")),
            C("name", "Tên trong phương án", "Name in the plan", ("ten cum", "ten")),
            C("group", "Nhóm", "Group", ("nhom trong phuong an", "group"), True),
            C("planned_area_ha", "Diện tích quy hoạch (ha)", "Planned area (ha)", ("dien tich",)),
            C("phase", "Giai đoạn", "Phase", ("phase",)),
        ),
        identifying=("plan",),
    ),
    HISTORY: Schema(
        (
            C("cluster_code", "Mã cụm", "Cluster code", ("ma", "code"), True),
            C("to_status", "Trạng thái", "Status", ("tinh trang", "status"), True),
            C("effective_on", "Ngày (trống = không rõ)", "Date (blank = unknown)", ("ngay", "date")),
            C("doc_number", "Số văn bản", "Document number", ("so quyet dinh",)),
            C("doc_year", "Năm văn bản", "Document year", ("nam",)),
            C("doc_issuer", "Cơ quan ban hành", "Issuer", ("issuer",)),
            C("reason", "Ghi chú", "Note", ("ly do", "reason")),
        ),
        identifying=("cluster_code",),
        min_columns=2,
    ),
    DOCUMENTS: Schema(
        (
            C("number", "Số văn bản", "Number", ("so", "so hieu", "so quyet dinh"), True),
            C("year", "Năm", "Year", ("nam ban hanh",), True),
            C("issuer", "Cơ quan ban hành", "Issuer", ("noi ban hanh",), True),
            C("kind", "Loại văn bản", "Kind", ("loai",)),
            C("issued_on", "Ngày ban hành", "Date issued", ("ngay",)),
            C("title", "Trích yếu", "Title", ("noi dung", "summary")),
        ),
        identifying=("number",),
    ),
}

SHEET_TITLES = {  # (Vietnamese, English), the template's and the export's
    CLUSTERS: ("Cụm công nghiệp", "Clusters"),
    PLANS: ("Phương án", "Plans"),
    ENTRIES: ("Danh mục phương án", "Plan entries"),
    HISTORY: ("Lịch sử trạng thái", "Status history"),
    DOCUMENTS: ("Văn bản", "Documents"),
}
ORDER = (CLUSTERS, PLANS, ENTRIES, HISTORY, DOCUMENTS)
INSTRUCTIONS = ("Hướng dẫn", "Instructions")
SHEET_ALIASES = {
    CLUSTERS: ("cum", "ccn", "danh sach cum", "cum cong nghiep"),
    PLANS: ("phuong an phat trien",),
    ENTRIES: ("danh muc", "cum trong phuong an"),
    HISTORY: ("lich su", "trang thai"),
    DOCUMENTS: ("van ban quyet dinh",),
}
SHEET_KEYS = {words(title): key for key, titles in SHEET_TITLES.items() for title in titles}
for _key, _aliases in SHEET_ALIASES.items():
    for _alias in _aliases:
        SHEET_KEYS.setdefault(_alias, _key)


def english(language: str | None = None) -> bool:
    return (language or translation.get_language() or "vi").startswith("en")


def sheet_title(key: str, language: str | None = None) -> str:
    vi, en = SHEET_TITLES[key]
    return en if english(language) else vi


@dataclass
class Sheets:
    """The tables found in a workbook, by sheet key; sheets not recognised (name, header) in `ignored`."""

    tables: dict[str, Table]
    ignored: list[str]
    close: object = None


def _sheet_rows(table: Table, numbered: Iterator, limit: int) -> Iterator[tuple[int, list]]:
    width, count = table.width, 0
    for number, values in numbered:
        values = list(values[:width])
        if all(blank(value) for value in values):
            continue
        count += 1
        if count > limit:
            raise too_many_rows(table.sheet, limit)
        yield number, values


def _reread(book, sheet, header_row: int, max_col: int) -> Iterator[tuple[int, list]]:
    """The sheet's rows under its header again, each up to `max_col` cells (a light second pass)."""
    for number, values in book.rows(sheet, max_col):
        if number > header_row:
            yield number, values


def read_sheets(data: bytes, *, max_rows: int) -> Sheets:
    """Every recognised sheet's header and lazily read rows (`fastxlsx`: values only, streamed). Raises
    FileProblem for an unreadable workbook, a recognised sheet without its header row, or a sheet given twice."""
    from icis.core.imports.fastxlsx import Workbook

    try:
        book = Workbook(io.BytesIO(data))
    except Exception:  # damaged files raise many kinds; refused either way
        raise FileProblem(
            _(
                "The workbook could not be read. Open it in Excel, save it as “Excel Workbook (.xlsx)” and upload it "
                "again."
            )
        ) from None
    tables, ignored = {}, []
    try:
        for sheet in book.sheets:
            if not sheet.visible:
                continue
            key = SHEET_KEYS.get(words(sheet.title))
            if key is None:
                if words(sheet.title) not in {words(t) for t in INSTRUCTIONS}:
                    ignored.append(sheet.title)
                continue
            if key in tables:
                raise FileProblem(
                    _("Sheets “%(first)s” and “%(second)s” are both “%(meaning)s”; keep one of them.")
                    % {"first": tables[key].sheet, "second": sheet.title, "meaning": sheet_title(key)},
                    sheet=sheet.title,
                )
            numbered = book.rows(sheet, MAX_COLUMNS)
            table = None
            for number, values in numbered:
                if number > HEADER_SEARCH_ROWS:
                    break
                table = match_header(list(values), sheet.title, number, SCHEMAS[key])
                if table is not None:
                    break
            if table is None:
                required = ", ".join(f"“{c.vi}”" for c in SCHEMAS[key].columns if c.required)
                raise FileProblem(
                    _(
                        "Sheet “%(sheet)s” has no header row within its first %(rows)s rows; it needs at least "
                        "%(names)s."
                    )
                    % {"sheet": sheet.title, "rows": HEADER_SEARCH_ROWS, "names": required},
                    sheet=sheet.title,
                )
            table.rows = _sheet_rows(table, numbered, max_rows)
            table.reread = functools.partial(_reread, book, sheet, table.header_row)
            table.estimate = book.archive.getinfo(sheet.path).file_size // 400  # ~bytes per row, for progress
            tables[key] = table
    except (FileProblem, KeyError, ValueError, etree_errors()) as problem:
        book.close()
        if isinstance(problem, FileProblem):
            raise
        raise FileProblem(
            _(
                "The workbook could not be read. Open it in Excel, save it as “Excel Workbook (.xlsx)” and upload it "
                "again."
            )
        ) from None
    if not tables:
        book.close()
        names = ", ".join(f"“{vi}”" for vi, _en in SHEET_TITLES.values())
        raise FileProblem(_("The workbook has none of the registry's sheets (%(names)s).") % {"names": names})
    return Sheets(tables=tables, ignored=ignored, close=book.close)


def etree_errors():
    from lxml import etree

    return etree.LxmlError


# --------------------------------------------------------------------------------------------- writing workbooks
HEADER_FILL = "FFDDEBF7"
DATE_FORMAT = "DD/MM/YYYY"


def _cell_value(value):
    if isinstance(value, Decimal):
        return float(value) if value == value.quantize(Decimal("0.0001")) else str(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return safe_cell(value)
    return value


def write_workbook(rows_by_sheet: dict[str, list[list]], *, language: str | None = None, title: str = "") -> bytes:
    """A workbook with the instructions sheet first and one sheet per key of `rows_by_sheet` (in ORDER), each
    with the template's header row and the given rows (values in column order). Texts that a spreadsheet would
    run as formulas are neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook(write_only=True)
    fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    guide = book.create_sheet(INSTRUCTIONS[1] if english(language) else INSTRUCTIONS[0])
    guide.column_dimensions["A"].width = 120
    for line in instructions(title, language):
        cell = WriteOnlyCell(guide, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.append([cell])
    for key in ORDER:
        if key not in rows_by_sheet:
            continue
        sheet = book.create_sheet(sheet_title(key, language))
        columns = SCHEMAS[key].columns
        for index, _column in enumerate(columns):
            sheet.column_dimensions[chr(65 + index)].width = 22
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.header(language))
            cell.font, cell.fill = Font(bold=True), fill
            header.append(cell)
        sheet.freeze_panes = "A2"
        sheet.append(header)
        for row in rows_by_sheet[key]:
            cells = []
            for value in row:
                value = _cell_value(value)
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
                elif isinstance(value, str) and value[:1].isdigit():
                    cell.number_format = "@"  # codes keep their leading zeros
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def instructions(title: str, language: str | None = None) -> list[str]:
    """The instructions sheet: what each sheet holds and how cells are written."""
    if english(language):
        lines = [
            title or "ICIS registry workbook of one province",
            "One workbook per province. Sheets: Clusters, Plans, Plan entries, Status history, Documents (any may be "
            "left out). Keep the header rows; columns may be in any order; unknown columns are ignored.",
            "Clusters: one row per cluster, matched by its code (an existing code updates that cluster, showing each "
            "change before it is made). Province code: the workbook's province (GSO code). Communes: GSO codes "
            "separated by ';', the lead commune (the one that reports a cluster straddling several) marked with '*', "
            "e.g. '03193*; 03196'. Former district/communes: GSO codes before 01/07/2025. Kind: general, craft "
            "village, specialised. Areas in hectares (37,78 or 37.78). Sectors: codes separated by ';'.",
            "Plans: one row per plan version (name, decision number/year/issuer, date approved, horizon and vision "
            "years, in force yes/no, the version it amends). Totals are computed from the entries.",
            "Plan entries: one row per cluster in a plan version, with its group: kept, area changed, withdrawn, "
            "added, brought forward, deferred. Withdrawn and deferred entries are kept but never counted.",
            "Status history: one row per step of a cluster's lifecycle (proposed, planned, established, under "
            "construction, infrastructure complete, operating, revoked, removed), in any order; date dd/mm/yyyy, "
            "blank when no source dates it; the deciding document by number, year and issuer (listed in Documents "
            "or already in ICIS). The latest step is the cluster's current status. Every cluster needs at least one.",
            "Documents: number as written, year, issuer, kind (decision, plan, report, official letter, submission, "
            "notice), date issued, title.",
            "Nothing is written while any error remains: the check lists every error by sheet, row and cell and "
            "hands the workbook back with the cells marked.",
        ]
    else:
        lines = [
            title or "Sổ đăng ký cụm công nghiệp của một tỉnh (ICIS)",
            "Mỗi tỉnh một tệp. Các trang: Cụm công nghiệp, Phương án, Danh mục phương án, Lịch sử trạng thái, Văn bản "
            "(có thể bỏ trang không dùng). Giữ nguyên dòng tiêu đề; cột có thể theo thứ tự bất kỳ; cột lạ được bỏ qua.",
            "Cụm công nghiệp: mỗi cụm một dòng, nhận diện theo mã cụm (mã đã có thì cập nhật cụm đó, hiển thị "
            "từng thay đổi trước khi ghi). Mã tỉnh: tỉnh của tệp (mã GSO). Xã, phường: mã GSO, cách nhau bởi dấu ';', "
            "xã chủ trì (xã báo cáo cụm nằm trên nhiều xã) đánh dấu '*', ví dụ '03193*; 03196'. Huyện cũ/xã cũ: "
            "mã trước 01/07/2025. Loại cụm: cụm công nghiệp chung, làng nghề, chuyên ngành. "
            "Diện tích tính bằng ha (37,78). Ngành nghề: mã, cách nhau bởi ';'.",
            "Phương án: mỗi phiên bản phương án một dòng (tên, số/năm/cơ quan ban hành quyết định, ngày phê duyệt, "
            "đến năm, tầm nhìn, đang có hiệu lực có/không, phương án được điều chỉnh). Tổng số cụm và diện tích được "
            "tính từ danh mục.",
            "Danh mục phương án: mỗi cụm trong một phiên bản một dòng, với nhóm: giữ nguyên, điều chỉnh diện tích, "
            "đưa ra khỏi phương án, bổ sung mới, đưa lên từ sau năm quy hoạch, lùi sau năm quy hoạch. Cụm đưa ra "
            "và cụm lùi được giữ lại nhưng không tính vào tổng.",
            "Lịch sử trạng thái: mỗi bước của vòng đời một dòng (đề xuất, quy hoạch, đã thành lập, đang xây dựng, "
            "hoàn thành hạ tầng, đang hoạt động, thu hồi, đưa ra khỏi quy hoạch), thứ tự bất kỳ; ngày dd/mm/yyyy, để "
            "trống khi không nguồn nào ghi ngày; văn bản quyết định theo số, năm, cơ quan ban hành (có trong trang Văn "
            "bản hoặc đã có trong ICIS). Bước mới nhất là trạng thái hiện tại. Mỗi cụm cần ít nhất một dòng.",
            "Văn bản: số như ghi trên văn bản, năm, cơ quan ban hành, loại (quyết định, phương án, báo cáo, công văn, "
            "tờ trình, thông báo), ngày ban hành, trích yếu.",
            "Không ghi gì khi còn lỗi: bước kiểm tra liệt kê mọi lỗi theo trang, dòng và ô và trả lại tệp với các ô "
            "lỗi được tô đánh dấu.",
        ]
    return lines
