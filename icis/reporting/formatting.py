"""Numbers as the form writes them: Vietnamese separators (1.234,56) whatever the UI language."""

from icis.core import formats

PLACES = {"ha": 2, "Tỷ đồng": 2, "%": 2}


def vi_number(value, places: int = 0) -> str:
    return formats.number(value, places, language="vi")


def indicator_text(indicator) -> str:
    """An indicator's figure for the printed form: counts whole, areas, money and rates to 2 places."""
    return vi_number(indicator.value, PLACES.get(indicator.unit, 0))
