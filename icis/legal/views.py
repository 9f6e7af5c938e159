from decimal import Decimal

from django.utils.translation import gettext as _

from icis.clusters.models import Cluster
from icis.core import formats
from icis.core.generic import ObjectDetailView

from . import selectors
from .models import Action

MAX_HA = Decimal("10000")


def _hectares(raw: str, label: str, errors: list[str]) -> Decimal | None:
    """'6', '6.5' or '6,5' → Decimal; blank → None; anything else → an error naming the field."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = formats.parse_decimal(raw)  # 6,5 / 6.5 / 1.234,5 (icis/core/formats.py)
    except formats.NotANumber:
        value = None
    if value is None or not value.is_finite() or value < 0 or value >= MAX_HA:
        errors.append(
            _("%(field)s: '%(value)s' is not an area in hectares (a number from 0 to %(max)s).")
            % {"field": label, "value": raw[:40], "max": MAX_HA}
        )
        return None
    return value


class EligibilityView(ObjectDetailView):
    """Can this cluster be established or expanded now? Each gate with its numbers."""

    template_name = "legal/eligibility.html"
    model = Cluster

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.request.GET.get("action", Action.EXPAND)
        if action not in Action.values:
            action = Action.EXPAND
        errors: list[str] = []
        added = _hectares(self.request.GET.get("added_area_ha", ""), _("Area to add (ha)"), errors)
        demand = _hectares(self.request.GET.get("demand_ha", ""), _("Documented demand for land (ha)"), errors)
        context.update(
            cluster=self.object,
            action=action,
            added=added,
            demand=demand,
            actions=Action.choices,
            errors=errors,
            result=None
            if errors
            else selectors.eligibility(self.object, action=action, added_area_ha=added, demand_ha=demand),
        )
        return context
