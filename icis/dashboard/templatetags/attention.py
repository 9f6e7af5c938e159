from django import template

from ..attention import grouped

register = template.Library()


@register.simple_tag(takes_context=True)
def attention_groups(context):
    """The signed-in user's attention list, grouped by kind (most urgent first)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return grouped(request.user)
