"""Cell parsers: what a Vietnamese or English officer writes in a spreadsheet cell, read once.

Each parser takes the cell's value as openpyxl or the CSV reader gives it (str, int, float, datetime,
bool or None) and returns the Python value, None for a blank cell, or raises `CellError` whose message
quotes the cell and says how to write it. Decimals go through icis/core/formats.py (`parse_decimal`), the
same reader as every form field, so "37,78", "1.234,5" and "1,234.5" mean the same in a cell and on a page.
"""

import datetime
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from icis.core import formats
from icis.core.text import fold


class CellError(Exception):
    """A cell that cannot be read; the message quotes it."""


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value) -> str:
    """The cell as text: whole floats without ".0", dates dd/mm/yyyy, strings stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.datetime):
        return formats.date(value)
    return str(value).strip()


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def words(value) -> str:
    """A cell folded for matching words: no diacritics, no case, single spaces, no punctuation."""
    folded = fold(str(value or ""))
    folded = re.sub(r"\([^)]*\)", " ", folded)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def _not_a_number(value) -> CellError:
    return CellError(_("'%(value)s' is not a number.") % {"value": text(value)})


def parse_decimal(value) -> Decimal | None:
    """A number cell, or text typed as 37,78 / 37.78 / 1.234,5 / 1,234.5; None when blank."""
    if blank(value):
        return None
    if isinstance(value, bool | datetime.date | datetime.datetime):
        raise _not_a_number(value)
    if is_number(value):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise _not_a_number(value)
        rounded = number.quantize(Decimal("0.0001"))
        # Spreadsheet arithmetic leaves float noise (0.1 + 0.2); drop it, keep real extra digits.
        return rounded if abs(number - rounded) < Decimal("1e-9") else number
    try:
        return formats.parse_decimal(value)
    except formats.NotANumber:
        raise CellError(_("'%(value)s' is not a number.") % {"value": str(value).strip()}) from None


def parse_whole(value) -> int | None:
    """A whole number; "1.200" and "1,200" are twelve hundred (a count has no decimals)."""
    if blank(value):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}([.,\s]\d{3})+\s*", value):
        value = re.sub(r"\D", "", value)
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("'%(value)s' is not a whole number.") % {"value": text(value)})
    return int(number)


DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value) -> datetime.date | None:
    """A date cell, Excel's day number, or dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd)."""
    if blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if is_number(value) and 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel

        day = from_excel(value).date()  # a date cell without a date format: Excel's day number
        if 1950 <= day.year <= 2200:  # anything else is a number typed in the wrong column
            return day
    shown = text(value)
    shown = shown.split(" ")[0] if re.match(r"^\S+ 00:00(:00)?$", shown) else shown
    parts = None
    if match := DATE_DMY.match(shown):
        parts = int(match[3]), int(match[2]), int(match[1])
    elif match := DATE_ISO.match(shown):
        parts = int(match[1]), int(match[2]), int(match[3])
    try:
        if parts:
            return datetime.date(*parts)
    except ValueError:
        pass
    raise CellError(_("'%(value)s' is not a date: write it as dd/mm/yyyy, e.g. 15/03/2024.") % {"value": shown})


YES_WORDS = {"co", "c", "yes", "y", "1", "true", "x", "dung"}
NO_WORDS = {"khong", "k", "no", "n", "0", "false"}


def parse_yes_no(value, *, yes=(), no=()) -> bool:
    """có/không, yes/no, 1/0, x; blank is no. `yes`/`no` add words of the column (folded)."""
    if isinstance(value, bool):
        return value
    if blank(value):
        return False
    word = words(text(value))
    if word in YES_WORDS or word in yes:
        return True
    if word in NO_WORDS or word in no:
        return False
    raise CellError(_("'%(value)s' is not yes or no: write có/không, yes/no or 1/0.") % {"value": text(value)})


def parse_code(value, lookup: dict, *, what: str, shown: str = "") -> object:
    """A code or a name from a lookup table already loaded in memory (folded key → value): one query per
    table for the whole file, not one per row. Blank gives None."""
    if blank(value):
        return None
    found = lookup.get(words(text(value)))
    if found is None:
        found = lookup.get(text(value))
    if found is None:
        message = _("'%(value)s' is not a known %(what)s.") % {"value": text(value), "what": what}
        if shown:
            message += " " + _("Use one of: %(choices)s.") % {"choices": shown}
        raise CellError(message)
    return found
