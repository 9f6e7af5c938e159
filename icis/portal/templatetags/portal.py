import datetime

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from icis.core import formats

from ..selectors import component_label, reason_text

register = template.Library()

PLANT_REASONS = {
    "compliant": gettext_noop("latest outlet sample compliant"),
    "exceeded": gettext_noop("latest outlet sample exceeds a limit"),
    "indeterminate": gettext_noop("latest outlet sample cannot be judged"),
    "no_sample": gettext_noop("no recent outlet sample"),
    "not_built": gettext_noop("not built"),
    "suspended": gettext_noop("suspended"),
}


@register.filter
def component(code):
    return component_label(code)


@register.filter
def plant_reason(code):
    text = PLANT_REASONS.get(code)
    return _(text) if text else code


@register.filter
def isoday(value):
    """An ISO date string (as stored in the readiness summary) as dd/mm/yyyy."""
    if not value:
        return formats.date(None)
    return formats.date(datetime.date.fromisoformat(str(value)[:10]))


@register.filter
def pct(value):
    return "—" if value is None else f"{formats.number(value, 1)}%"


@register.filter
def reason(value: dict) -> str:
    """Why a cluster was proposed for an enquiry, in the page's language."""
    return reason_text(value)
