from django import template

from icis.geo.models import Province
from icis.geo.selection import SESSION_KEY, switchable

register = template.Library()


@register.inclusion_tag("geo/province_switch.html", takes_context=True)
def province_switch(context):
    """The national (MoIT) user's province switcher; nothing for anyone else."""
    request = context.get("request")
    if request is None or not switchable(request.user):
        return {"show": False}
    return {
        "show": True,
        "provinces": Province.objects.filter(is_synthetic=False).order_by("name"),
        "current": request.GET.get("province") or request.session.get(SESSION_KEY, ""),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
