"""Step 2 of an import: find the header row and stream the rows under it.

A `Schema` lists an importer's `Column`s, each with its Vietnamese and English header and other accepted
spellings; headers are matched without case, diacritics, punctuation or anything in brackets. The first
visible sheet with a recognisable header row within its first rows is read (hidden sheets are not what
the user sees); a title above the header and unknown columns (STT…) are ignored with a note.

`read_table` returns a `Table` whose `rows` are read lazily, one at a time (`fastxlsx`: lxml iterparse,
values only; the CSV reader): memory stays flat whatever the file's size. Iterate it once; blank rows are
skipped and rows are numbered as Excel shows them. More rows than the schema's limit (ICIS_IMPORT_MAX_ROWS)
stops the reading with a `FileProblem`.
"""

import csv
import io
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .cells import blank, words
from .inspection import HEADER_SEARCH_ROWS

logger = logging.getLogger(__name__)

MAX_COLUMNS = 60


class FileProblem(Exception):
    """A readable file that cannot be imported as a whole (no header row, missing columns...)."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None):
        super().__init__(message)
        self.message, self.sheet, self.row = message, sheet, row


@dataclass(frozen=True)
class Column:
    key: str
    vi: str  # the template's header (Vietnamese)
    en: str  # the English header
    aliases: tuple[str, ...] = ()  # other spellings, already folded (`header_key`)
    required: bool = False
    example: object = None

    def header(self, language: str | None = None) -> str:
        return self.en if (language or translation.get_language() or "vi").startswith("en") else self.vi


header_key = words  # a header folded for matching


class Schema:
    """An importer's columns. A row is the header row when it names at least `min_columns` of them and one
    of `identifying` (the columns without which no row means anything)."""

    def __init__(self, columns: Iterable[Column], *, identifying: Iterable[str] = (), min_columns: int = 3):
        self.columns = tuple(columns)
        self.by_key = {column.key: column for column in self.columns}
        self.identifying = set(identifying) or {c.key for c in self.columns if c.required}
        self.min_columns = min_columns
        self.header_keys: dict[str, str] = {}
        for column in self.columns:
            for alias in (header_key(column.vi), header_key(column.en), *column.aliases):
                self.header_keys.setdefault(alias, column.key)

    def header(self, key: str, language: str | None = None) -> str:
        return self.by_key[key].header(language)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Table:
    sheet: str
    header_row: int
    columns: dict[str, tuple[str, str, int]]  # key → (letter, header as written, index)
    rows: Iterable[tuple[int, list]] = field(default_factory=list)  # (row number as Excel shows it, cells)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (letter, header) of unknown columns
    estimate: int = 0  # rows under the header, as the sheet declares them (for progress; may be 0)

    @property
    def width(self) -> int:
        """How many cells of a row matter: up to the last column of the schema found in the header."""
        return max((index for _letter, _header, index in self.columns.values()), default=-1) + 1

    def cells(self, values: list) -> dict:
        """A row's cells by column key (None for a cell past the row's end)."""
        return {
            key: (values[index] if index < len(values) else None)
            for key, (_letter, _header, index) in self.columns.items()
        }

    def place(self, key: str | None) -> tuple[str, str]:
        """(column letter, header as written) of a column of this table; ("", "") if it is not there."""
        if key and key in self.columns:
            return self.columns[key][0], self.columns[key][1]
        return "", ""


def match_header(values, sheet: str, number: int, schema: Schema) -> Table | None:
    found, ignored, duplicate = {}, [], []
    for index, value in enumerate(values):
        if blank(value):
            continue
        key = schema.header_keys.get(header_key(value))
        letter = column_letter(index)
        if key is None:
            ignored.append((letter, str(value).strip()))
        elif key in found:
            duplicate.append((key, letter))
        else:
            found[key] = (letter, str(value).strip(), index)
    if len(found) < schema.min_columns or not (schema.identifying & found.keys()):
        return None
    if duplicate:
        key, letter = duplicate[0]
        raise FileProblem(
            _("Columns %(first)s and %(second)s both hold “%(meaning)s”; keep one of them.")
            % {"first": found[key][0], "second": letter, "meaning": schema.header(key)},
            sheet=sheet,
            row=number,
        )
    missing = [c for c in schema.columns if c.required and c.key not in found]
    if missing:
        raise FileProblem(
            _("The header row lacks the required column(s) %(missing)s. Use the headers of the template.")
            % {"missing": ", ".join(f"“{c.vi}” ({c.en})" for c in missing)},
            sheet=sheet,
            row=number,
        )
    return Table(sheet=sheet, header_row=number, columns=found, ignored=ignored)


def too_many_rows(sheet: str, limit: int) -> FileProblem:
    return FileProblem(
        _("The sheet has more than %(limit)s rows; split it into smaller files.") % {"limit": limit}, sheet=sheet
    )


def _find_header(numbered: Iterator[tuple[int, list]], sheet: str, schema: Schema) -> Table | None:
    for number, values in numbered:
        if number > HEADER_SEARCH_ROWS:
            return None
        table = match_header(list(values), sheet, number, schema)
        if table is not None:
            return table
    return None


def _data_rows(numbered: Iterator, sheet: str, limit: int, width: int, closing=None) -> Iterator[tuple[int, list]]:
    count = 0
    try:
        for number, values in numbered:
            values = list(values[:width])  # the cells up to the last known column
            if all(blank(value) for value in values):
                continue
            count += 1
            if count > limit:
                raise too_many_rows(sheet, limit)
            yield number, values
    finally:
        if closing is not None:
            closing()


def no_header(schema: Schema) -> FileProblem:
    names = ", ".join(f"“{column.vi}” / “{column.en}”" for column in schema.columns if column.required)
    return FileProblem(
        _(
            "No sheet has a header row ICIS recognises within its first %(rows)s rows. The header needs at least "
            "%(names)s; download the template to see every column."
        )
        % {"rows": HEADER_SEARCH_ROWS, "names": names}
    )


def read_table(kind: str, data: bytes, filename: str = "", *, schema: Schema, max_rows: int | None = None) -> Table:
    """The header and a lazy iterator over the rows of the first sheet with a recognisable header."""
    limit = max_rows or settings.ICIS_IMPORT_MAX_ROWS
    if kind == "csv":
        return _read_csv(data, filename, schema, limit)
    return _read_xlsx(data, schema, limit)


def _unreadable() -> FileProblem:
    return FileProblem(
        _("The workbook could not be read. Open it in Excel, save it as “Excel Workbook (.xlsx)” and upload it again.")
    )


def _read_xlsx(data: bytes, schema: Schema, limit: int) -> Table:
    from lxml import etree

    from .fastxlsx import Workbook

    try:
        workbook = Workbook(io.BytesIO(data))
    except Exception:  # damaged files raise many kinds; the file is refused either way
        logger.info("import: workbook could not be opened", exc_info=True)
        raise _unreadable() from None

    def numbered_rows(sheet):
        try:
            yield from workbook.rows(sheet, MAX_COLUMNS)
        except (KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError):
            logger.info("import: sheet could not be read", exc_info=True)
            raise _unreadable() from None

    try:
        for sheet in workbook.sheets:
            if not sheet.visible:
                continue  # hidden sheets are not what the user sees, so not what they mean to import
            numbered = numbered_rows(sheet)
            table = _find_header(numbered, sheet.title, schema)
            if table is not None:
                table.rows = _data_rows(numbered, sheet.title, limit, table.width, closing=workbook.close)
                table.estimate = max(workbook.last_row(sheet) - table.header_row, 0)
                return table
    except BaseException:
        workbook.close()
        raise
    workbook.close()
    raise no_header(schema)


def _read_csv(data: bytes, filename: str, schema: Schema, limit: int) -> Table:
    text = data.decode("utf-8-sig")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    sheet = PurePath(filename or "CSV").stem
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered_rows():
        try:
            for number, row in enumerate(reader, start=1):
                yield number, row[:MAX_COLUMNS]
        except csv.Error as error:
            raise FileProblem(_("The CSV file could not be read: %(error)s") % {"error": error}, sheet=sheet) from None

    numbered = numbered_rows()
    table = _find_header(numbered, sheet, schema)
    if table is None:
        raise no_header(schema)
    table.rows = _data_rows(numbered, sheet, limit, table.width)
    table.estimate = max(text.count("\n") + 1 - table.header_row, 0)
    return table
