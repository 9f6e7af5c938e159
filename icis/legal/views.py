from decimal import Decimal, InvalidOperation

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from icis.clusters.models import Cluster
from icis.core.views import ScopedObjectMixin

from . import selectors
from .models import Action


class EligibilityView(LoginRequiredMixin, ScopedObjectMixin, TemplateView):
    """Can this cluster be established or expanded now? Each gate with its numbers."""

    template_name = "legal/eligibility.html"

    def get_scoped_queryset(self):
        return Cluster.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.request.GET.get("action", Action.EXPAND)
        if action not in Action.values:
            action = Action.EXPAND
        try:
            added = Decimal(self.request.GET.get("added_area_ha", "") or "0")
        except InvalidOperation:
            added = Decimal(0)
        if not added.is_finite() or abs(added) > 10**6:  # "NaN", "1e999" (no cluster has a million ha): as "abc"
            added = Decimal(0)
        context.update(
            cluster=self.object,
            action=action,
            added=added,
            actions=Action.choices,
            result=selectors.eligibility(self.object, action=action, added_area_ha=added),
        )
        return context
