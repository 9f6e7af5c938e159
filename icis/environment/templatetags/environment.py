"""Filters and tags for the wastewater pages."""

from django import template
from django.utils import formats

from ..choices import OUTCOME_COLOURS, Outcome
from ..compliance import plain as plain_decimal
from ..compliance import to_decimal

register = template.Library()


@register.inclusion_tag("environment/_outcome.html")
def outcome_badge(outcome):
    label = Outcome(outcome).label if outcome in Outcome.values else outcome
    return {"outcome": outcome, "label": label, "colour": OUTCOME_COLOURS.get(outcome)}


@register.filter
def plain(value):
    """A measured value as people write it: no trailing zeros, locale separator, "—" if none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):  # a value kept as reported (parameters outside the table)
        number = to_decimal(value)
        if number is None:
            return value
        value = number
    return formats.number_format(plain_decimal(value), use_l10n=True)


@register.filter
def outcome_colour(outcome):
    return OUTCOME_COLOURS.get(outcome, "#6c757d")


@register.filter
def outcome_label(outcome):
    return Outcome(outcome).label if outcome in Outcome.values else outcome


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
