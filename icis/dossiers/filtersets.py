import django_filters
from django.utils.translation import gettext_lazy as _

from . import selectors
from .choices import DossierKind, Outcome
from .models import Dossier


class DossierFilterSet(django_filters.FilterSet):
    """One filter for the dossier list page and `GET /api/dossiers/`."""

    cluster = django_filters.NumberFilter(field_name="cluster", label=_("Cluster"))
    kind = django_filters.ChoiceFilter(choices=DossierKind.choices, label=_("Kind"))
    outcome = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in Outcome.choices if value], label=_("Outcome")
    )
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("With an overdue step"))

    class Meta:
        model = Dossier
        fields = ["cluster", "kind", "outcome", "open", "overdue"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(outcome="") if value else queryset.exclude(outcome="")

    def filter_overdue(self, queryset, name, value):
        # Deadlines are counted in working days in Python, not in SQL: find the overdue ones, then filter.
        if value is None:
            return queryset
        ids = selectors.overdue_ids(queryset)
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)
