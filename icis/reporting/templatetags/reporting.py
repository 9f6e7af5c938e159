from django import template

from ..formatting import indicator_text

register = template.Library()


@register.filter
def figure(indicator) -> str:
    """An indicator's figure with Vietnamese separators, as the form prints it."""
    return indicator_text(indicator)
