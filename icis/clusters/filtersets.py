"""The one set of list parameters for the cluster list page, the API and exports."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from icis.core.filters import OrderingFilter, WordStartsFilter
from icis.core.scoping import choices_in_scope
from icis.geo.models import Commune, LegacyDistrict

from .choices import ClusterKind, ClusterStatus, CommuneBasis
from .models import Cluster, ClusterCommune


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by GSO code (documented as a string)."""


class ClusterFilterSet(django_filters.FilterSet):
    q = WordStartsFilter(label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=ClusterStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ClusterKind.choices, label=_("Kind"))
    legacy_district = django_filters.ModelChoiceFilter(
        queryset=LegacyDistrict.objects.all(), to_field_name="code", label=_("Legacy district")
    )
    commune = CodeChoiceFilter(
        queryset=Commune.objects.all(), to_field_name="code", method="in_commune", label=_("Commune")
    )
    include_suggested = django_filters.BooleanFilter(
        method="noop",
        label=_("Include communes suggested from the name"),
        help_text=_("With `commune`: also clusters only suggested (not confirmed) to lie there."),
    )
    needs_verification = django_filters.BooleanFilter(label=_("Needs verification"))
    ordering = OrderingFilter(
        fields=(
            ("sort_name", "name"),
            ("code", "code"),
            ("area_ha", "area_ha"),
            ("status", "status"),
            ("status_since", "status_since"),
            ("legacy_district__name", "legacy_district"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Cluster
        fields = [
            "q",
            "status",
            "kind",
            "legacy_district",
            "commune",
            "include_suggested",
            "needs_verification",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the units of the provinces the user reaches (a filter on another province's unit is refused)
        user = getattr(self.request, "user", None)
        for name in ("commune", "legacy_district") if user is not None else ():
            self.filters[name].queryset = choices_in_scope(self.filters[name].queryset, user)

    def in_commune(self, queryset, name, commune):
        if commune is None:
            return queryset
        links = ClusterCommune.objects.filter(commune=commune)
        if not self.form.cleaned_data.get("include_suggested"):
            links = links.filter(basis=CommuneBasis.STATED)
        return queryset.filter(pk__in=links.values("cluster_id"))

    def noop(self, queryset, name, value):
        return queryset
