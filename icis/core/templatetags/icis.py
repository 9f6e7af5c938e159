from decimal import Decimal

from django import template
from django.utils import formats

from icis.core.audit import ACTION_LABELS
from icis.core.channel import label as channel_label

register = template.Library()


@register.filter
def ha(value):
    """An area as people write it: locale separators, no trailing zeros ("41,7", "8,522"), "—" if unknown."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return formats.number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def via(value):
    """The interface a change came through, in words."""
    return channel_label(value)


@register.filter
def change_action(value):
    """create / update / delete in words; other values (already labels) pass through."""
    return ACTION_LABELS.get(value, value)
