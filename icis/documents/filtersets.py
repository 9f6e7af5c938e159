import django_filters
from django.utils.translation import gettext_lazy as _

from icis.core.models import ID_MAX
from icis.core.text import word_starts

from .models import Document, DocumentType


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    doc_type = django_filters.ChoiceFilter(choices=DocumentType.choices, label=_("Type"))
    year = django_filters.NumberFilter(min_value=1, max_value=ID_MAX, label=_("Year"))
    cluster = django_filters.NumberFilter(
        field_name="clusters", min_value=1, max_value=ID_MAX, label=_("Cluster"), distinct=True
    )

    class Meta:
        model = Document
        fields = ["q", "doc_type", "year", "cluster"]

    def search(self, queryset, name, value):
        for start in word_starts(value):
            queryset = queryset.filter(search_text__contains=start)
        return queryset
