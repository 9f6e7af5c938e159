"""Numbers, areas, money and dates, written and read once for every page, export, PDF and DOCX.

Writing (`number`, `area`, `money`, `percent`, `date`, `datetime_text`) follows the language: Vietnamese
1.234,56 and English 1,234.56; dates are dd/mm/yyyy in both (officers read the English pages too).
`language=None` means the active language (`django.utils.translation`).

Reading (`parse_decimal`) accepts what a Vietnamese or English user types: "37,78", "37.78", "1.234,5",
"1,234.5", "1.234.567", "1 234,5". A single mark (one "," or one ".") is the decimal mark in both
languages, because an area of 1,234 ha is far rarer than 1,234 ha typed with a decimal comma; a mark
repeated, or two different marks, is grouping and must group by three. Anything else ("abc", "1,2,3",
"1.2,3") is refused with `NotANumber`, never guessed at.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone, translation

SEPARATORS = {"vi": (",", "."), "en": (".", ",")}  # language → (decimal mark, thousands separator)
DASH = "—"
DATE = "%d/%m/%Y"


class NotANumber(ValueError):
    """Text that is not a number in either language's way of writing one."""


def language_of(language: str | None = None) -> str:
    return "en" if (language or translation.get_language() or "vi").lower().startswith("en") else "vi"


# --- reading -----------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[+-]?\d+(?:[.,]\d+)?|[+-]?[.,]\d+")
_GROUPED = {
    # thousands separator → a number grouped by three, with an optional decimal part after the other mark
    ".": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?"),
    ",": re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"),
    " ": re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?"),
}


def parse_decimal(value) -> Decimal | None:
    """The number in `value` (text as typed, or a number), None for blank; NotANumber otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotANumber(str(value))
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(str(value))
        return Decimal(repr(value))
    text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not text:
        return None
    text = re.sub(r"\s+", " ", text)
    if _PLAIN.fullmatch(text):
        normal = text.replace(",", ".")
    else:
        normal = None
        for separator, pattern in _GROUPED.items():
            if pattern.fullmatch(text):
                normal = text.replace(separator, "").replace(",", ".")
                break
        if normal is None:
            raise NotANumber(text)
    try:
        number = Decimal(normal)
    except InvalidOperation:
        raise NotANumber(text) from None
    if not number.is_finite():
        raise NotANumber(text)
    return number


# --- writing -----------------------------------------------------------------------------------------------


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def number(value, places: int | None = None, *, language: str | None = None, grouping: bool = True) -> str:
    """1.234,56 (vi) or 1,234.56 (en). `places=None` keeps the value's own digits without trailing
    zeros (41,7 not 41,7000); a whole number shows none. "—" for None or ""."""
    if value is None or value == "":
        return DASH
    amount = _decimal(value)
    if places is None:
        amount = amount.normalize()
        if amount == amount.to_integral_value():
            amount = amount.quantize(Decimal(1))
        text = format(amount, "f")
    else:
        text = format(amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    if text in ("-0", "-0." + "0" * (places or 0)):
        text = text[1:]
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    decimal_mark, thousands = SEPARATORS[language_of(language)]
    if grouping:
        whole = f"{int(whole):,}".replace(",", thousands)
    return sign + whole + (decimal_mark + fraction if fraction else "")


def area(value, places: int | None = None, *, language: str | None = None, unit: bool = False) -> str:
    """Hectares as officers write them: no trailing zeros (6,28), up to the 4 decimals the models hold."""
    if value is None or value == "":
        return DASH
    amount = _decimal(value)
    if places is None and amount.as_tuple().exponent < -4:
        amount = amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)  # float noise from SQLite sums
    text = number(amount, places, language=language)
    return f"{text} ha" if unit else text


def money(value, *, language: str | None = None, places: int = 0) -> str:
    """Đồng, whole by default: 1.250.000.000 (vi), 1,250,000,000 (en)."""
    return number(value, places, language=language)


def percent(value, places: int = 1, *, language: str | None = None) -> str:
    if value is None or value == "":
        return DASH
    return number(value, places, language=language) + " %"


def date(value, *, empty: str = DASH) -> str:
    """dd/mm/yyyy in every language; an aware datetime is shown in the local time zone."""
    if value is None or value == "":
        return empty
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.strftime(DATE)


def datetime_text(value, *, empty: str = DASH) -> str:
    """dd/mm/yyyy HH:MM, local time."""
    if value is None or value == "":
        return empty
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(DATE + " %H:%M")


def plain(value) -> str:
    """A decimal as data (CSV and JSON cells, stored summaries): a point, no grouping, no trailing zeros,
    "" for None; what every program reads back."""
    if value is None or value == "":
        return ""
    amount = _decimal(value).normalize()
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    return format(amount, "f")


def input_decimal(value, *, language: str | None = None) -> str:
    """A decimal as a form shows it for editing: the language's decimal mark, no grouping, no trailing
    zeros (what `parse_decimal` reads back to the same value)."""
    if value is None or value == "":
        return ""
    try:
        amount = parse_decimal(value)
    except NotANumber:
        return str(value)  # what the user typed, shown back with its error
    return number(amount, language=language, grouping=False)
