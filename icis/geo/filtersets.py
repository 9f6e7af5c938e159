import django_filters
from django.utils.translation import gettext_lazy as _

from icis.core.filters import WordStartsFilter

from .models import Commune, Province


class CommuneFilterSet(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(
        queryset=Province.objects.all(), to_field_name="code", label=_("Province")
    )
    q = WordStartsFilter(
        label=_("Search"),
        help_text=_("Name or code, also the old communes, districts and provinces merged in; diacritics optional."),
    )

    class Meta:
        model = Commune
        fields = ["province", "q"]
