from django import template

from icis.core import formats
from icis.core.audit import ACTION_LABELS
from icis.core.channel import label as channel_label

register = template.Library()


@register.filter
def ha(value):
    """An area as people write it: the page language's separators, no trailing zeros ("41,7", "8,522"),
    "—" if unknown (icis/core/formats.py)."""
    return formats.area(value)


@register.filter
def num(value, places=None):
    """A number in the page language: 1.234,56 (vi), 1,234.56 (en); `|num:2` for two decimals."""
    return formats.number(value, None if places in (None, "") else int(places))


@register.filter
def money(value):
    """Đồng, whole: 1.250.000.000 (vi), 1,250,000,000 (en)."""
    return formats.money(value)


@register.filter
def day(value):
    """dd/mm/yyyy in every language, "—" when unknown."""
    return formats.date(value)


@register.filter
def via(value):
    """The interface a change came through, in words."""
    return channel_label(value)


@register.filter
def change_action(value):
    """create / update / delete in words; other values (already labels) pass through."""
    return ACTION_LABELS.get(value, value)
