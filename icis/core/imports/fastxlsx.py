"""A fast streaming reader of an inspected .xlsx: the cell values of each visible sheet, row by row.

openpyxl's read-only mode builds an object per cell and, for a sheet without a `<dimension>`, parses the sheet
twice; for a province's registry (tens of thousands of rows) that is most of the check's time. This reader
walks the sheet XML with lxml's `iterparse` (C), keeps only the values (shared strings looked up, numbers as int
or float, date cells as datetimes as openpyxl gives them), and clears each row once read: memory stays flat.
Only for files that passed `inspect_upload` (no DTD, no external entities, no macros); entities are never
resolved and the network never used.
"""

import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class Sheet:
    title: str
    path: str
    visible: bool


def _parser_kwargs() -> dict:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def _xml(archive: zipfile.ZipFile, name: str):
    with archive.open(name) as handle:
        return etree.parse(handle, etree.XMLParser(**_parser_kwargs())).getroot()


T_TAG = f"{MAIN}t"


def _text(element) -> str:
    """The text of a shared or inline string (its runs joined)."""
    if len(element) == 1 and element[0].tag == T_TAG:
        return element[0].text or ""
    return "".join(t.text or "" for t in element.iter(T_TAG))


class SharedStrings:
    """The workbook's shared-string table as one UTF-8 buffer and an array of offsets: about the size of the
    file's own text (a Python `str` per entry costs ~50–75 bytes more, and twice the characters for Vietnamese).
    A string is decoded when a cell names it."""

    __slots__ = ("buffer", "offsets")

    def __init__(self):
        self.buffer = bytearray()
        self.offsets = array("Q", [0])

    def append(self, value: str) -> None:
        self.buffer += value.encode()
        self.offsets.append(len(self.buffer))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        offsets = self.offsets
        return self.buffer[offsets[index] : offsets[index + 1]].decode()


class Workbook:
    """The sheets of an .xlsx and their rows (values only)."""

    def __init__(self, data):
        self.archive = zipfile.ZipFile(data)
        names = set(self.archive.namelist())
        book = _xml(self.archive, "xl/workbook.xml")
        rels = _xml(self.archive, "xl/_rels/workbook.xml.rels")
        targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{PKG_REL}Relationship")}
        self.sheets = []
        for sheet in book.iter(f"{MAIN}sheet"):
            target = targets.get(sheet.get(f"{REL}id"), "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            state = sheet.get("state") or "visible"
            self.sheets.append(Sheet(sheet.get("name") or "", path, state == "visible"))
        self.shared = SharedStrings()
        if "xl/sharedStrings.xml" in names:
            with self.archive.open("xl/sharedStrings.xml") as handle:
                for _event, item in etree.iterparse(handle, tag=f"{MAIN}si", **_parser_kwargs()):
                    self.shared.append(_text(item))
                    item.clear()
        self.dates = set()
        if "xl/styles.xml" in names:
            styles = _xml(self.archive, "xl/styles.xml")
            custom = {int(f.get("numFmtId")): f.get("formatCode") or "" for f in styles.iter(f"{MAIN}numFmt")}
            xfs = styles.find(f"{MAIN}cellXfs")
            for index, xf in enumerate(xfs if xfs is not None else ()):
                number = int(xf.get("numFmtId") or 0)
                code = custom.get(number) or BUILTIN_FORMATS.get(number) or ""
                if code and is_date_format(code):
                    self.dates.add(index)

    def close(self):
        self.archive.close()

    def last_row(self, sheet: Sheet) -> int:
        """The last row the sheet's `<dimension>` declares (Excel writes it near the top; 0 when absent), found in
        the sheet's first bytes without parsing them: for a progress estimate only."""
        with self.archive.open(sheet.path) as handle:
            head = handle.read(4096)
        found = _DIMENSION.search(head)
        return int(found.group(1)) if found else 0

    def rows(self, sheet: Sheet, max_col: int) -> Iterator[tuple[int, list]]:
        """(row number as Excel shows it, values up to `max_col`) for every row present in the sheet XML."""
        shared, dates = self.shared, self.dates
        v_tag, is_tag = f"{MAIN}v", f"{MAIN}is"
        columns = _COLUMNS
        with self.archive.open(sheet.path) as handle:
            for _event, row in etree.iterparse(handle, tag=f"{MAIN}row", **_parser_kwargs()):
                mark = row.get("r")
                number = int(mark)
                digits = len(mark)
                values: list = []
                position = -1
                for cell in row:
                    position += 1
                    ref = cell.get("r")
                    if ref:
                        letters = ref[:-digits] if ref[-digits:] == mark else ref.rstrip("0123456789")
                        index = columns.get(letters)
                        if index is None:
                            index = _column_index(letters)
                    else:
                        index = position
                    if index >= max_col:
                        break  # cells of a row come in column order (ECMA-376 §18.3.1.4)
                    kind = cell.get("t")
                    if kind == "inlineStr":
                        found = cell.find(is_tag)
                        value = _text(found) if found is not None else None
                    else:
                        raw = None
                        count = len(cell)
                        if count:
                            last = cell[count - 1]  # <f>?, <v>?, <is>?, <extLst>?: the value is usually last
                            if last.tag == v_tag:
                                raw = last.text
                            else:
                                for child in cell:
                                    if child.tag == v_tag:
                                        raw = child.text
                                        break
                        if raw is None:
                            value = None
                        elif kind == "s":
                            value = shared[int(raw)]
                        elif kind in ("str", "e"):
                            value = raw
                        elif kind == "b":
                            value = raw == "1"
                        else:
                            value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                            style = cell.get("s")
                            if style is not None and int(style) in dates:
                                value = from_excel(value)
                    length = len(values)
                    if index == length:
                        values.append(value)
                    else:
                        if index > length:
                            values.extend([None] * (index - length + 1))
                        values[index] = value
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield number, values


_COLUMNS: dict[str, int] = {}
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z$]*\d*:?[A-Z$]*(\d+)"')


def _column_index(letters: str) -> int:
    """'C' (or 'C7') → 2."""
    letters = letters.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + (ord(char.upper()) - 64)
        index = _COLUMNS.setdefault(letters, index - 1)
    return index
