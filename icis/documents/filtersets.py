import django_filters
from django.utils.translation import gettext_lazy as _

from icis.core.filters import WordStartsFilter
from icis.core.models import ID_MAX

from .models import Document, DocumentType


class DocumentFilterSet(django_filters.FilterSet):
    q = WordStartsFilter(label=_("Search"))
    doc_type = django_filters.ChoiceFilter(choices=DocumentType.choices, label=_("Type"))
    year = django_filters.NumberFilter(min_value=1, max_value=ID_MAX, label=_("Year"))
    cluster = django_filters.NumberFilter(
        field_name="clusters", min_value=1, max_value=ID_MAX, label=_("Cluster"), distinct=True
    )

    class Meta:
        model = Document
        fields = ["q", "doc_type", "year", "cluster"]
