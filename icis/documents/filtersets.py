import django_filters
from django.utils.translation import gettext_lazy as _

from icis.core.filters import WordStartsFilter
from icis.core.models import ID_MAX

from .models import Document, DocumentType
from .selectors import documents_linked_to


class DocumentFilterSet(django_filters.FilterSet):
    q = WordStartsFilter(label=_("Search"))
    doc_type = django_filters.ChoiceFilter(choices=DocumentType.choices, label=_("Type"))
    year = django_filters.NumberFilter(min_value=1, max_value=ID_MAX, label=_("Year"))
    # Scoped like the pages: a cluster the user does not reach matches nothing (as if it did not exist).
    cluster = django_filters.NumberFilter(method="linked_to", min_value=1, max_value=ID_MAX, label=_("Cluster"))

    class Meta:
        model = Document
        fields = ["q", "doc_type", "year", "cluster"]

    def linked_to(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(pk__in=documents_linked_to(value, getattr(self.request, "user", None)))
