"""One set of list parameters for nominations: the page, the API and the exports take the same query."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from icis.core.filters import OrderingFilter, WordStartsFilter
from icis.core.models import ID_MAX

from .choices import NominationStatus, RecipientKind
from .models import AwardTitle, Nomination


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class NominationFilterSet(django_filters.FilterSet):
    q = WordStartsFilter(search_field="achievement__search_text", label=_("Search"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"), min_value=1945, max_value=2999)
    province = django_filters.CharFilter(field_name="achievement__province_id", label=_("Province"), max_length=5)
    status = django_filters.MultipleChoiceFilter(choices=NominationStatus.choices, label=_("Status"))
    recipient_kind = django_filters.ChoiceFilter(
        field_name="achievement__recipient_kind", choices=RecipientKind.choices, label=_("Collective or individual")
    )
    title = django_filters.ModelChoiceFilter(queryset=AwardTitle.objects.all(), label=_("Form or title"))
    cluster = IdFilter(field_name="achievement__clusters", label=_("Cluster"), distinct=True)
    achievement = IdFilter(field_name="achievement_id", label=_("Achievement"))
    ordering = OrderingFilter(
        fields=(("year", "year"), ("status_since", "status_since"), ("achievement__unit", "recipient")),
        label=_("Sort by"),
    )

    class Meta:
        model = Nomination
        fields = ["q", "year", "province", "status", "recipient_kind", "title", "cluster", "achievement"]
