"""Template hooks through which other apps' pages show wastewater data without importing this app."""

from django import template
from django.utils import formats

from .. import selectors
from ..choices import OUTCOME_COLOURS, Outcome, ViolationStatus
from ..compliance import plain as plain_decimal
from ..compliance import to_decimal
from ..models import Violation

register = template.Library()


@register.inclusion_tag("environment/_cluster_panel.html", takes_context=True)
def environment_panel(context, cluster):
    """The cluster page's wastewater section: its plants, their standing, Circular 14 items 13–14."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("environment.view_wastewaterplant"):
        return {"show": False}
    items = selectors.cluster_items(cluster, user=user)
    open_count = (
        Violation.objects.restrict(user)
        .filter(plant__cluster_links__cluster=cluster, status=ViolationStatus.OPEN)
        .distinct()
        .count()
    )
    return {
        "show": True,
        "cluster": cluster,
        "items": items,
        "open_violations": open_count,
        "perms": context.get("perms"),
    }


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
