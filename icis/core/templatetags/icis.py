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


@register.simple_tag(takes_context=True)
def panels(context, page, obj, slot="side"):
    """The panels other apps registered for `page` in `slot` (icis.core.registry), e.g.
    `{% panels "cluster" cluster "side" %}`."""
    from icis.core.registry import panels as registry

    return registry.render(page, slot, context.get("request"), obj)


@register.inclusion_tag("includes/tabs.html", takes_context=True)
def tabs(context, page, obj):
    """The links other apps registered for `page` (icis.core.registry.tabs)."""
    from icis.core.registry import tabs as registry

    request = context.get("request")
    return {"tabs": registry.visible(page, getattr(request, "user", None), obj)}


@register.inclusion_tag("includes/nav_menu.html", takes_context=True)
def nav_menu(context):
    """The navigation bar's entries the user may see (icis.core.registry.menu)."""
    from icis.core.registry import menu

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return {"items": menu.visible(getattr(request, "user", None), getattr(match, "namespace", "") or "")}
