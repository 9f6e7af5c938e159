import django_filters
from django.utils.translation import gettext_lazy as _

from icis.core.filters import WordStartsFilter
from icis.core.models import ID_MAX

from .choices import ProjectStatus, ReportForm, SubmissionStatus
from .models import Submission, Tenant, TenantProject


class TenantFilterSet(django_filters.FilterSet):
    q = WordStartsFilter(label=_("Search"))
    is_fdi = django_filters.BooleanFilter(label=_("FDI"))

    class Meta:
        model = Tenant
        fields = ["q", "is_fdi"]


class TenantProjectFilterSet(django_filters.FilterSet):
    cluster = django_filters.NumberFilter(min_value=1, max_value=ID_MAX, label=_("Cluster"))
    tenant = django_filters.NumberFilter(min_value=1, max_value=ID_MAX, label=_("Tenant"))
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))

    class Meta:
        model = TenantProject
        fields = ["cluster", "tenant", "status"]


class SubmissionFilterSet(django_filters.FilterSet):
    form = django_filters.ChoiceFilter(choices=ReportForm.choices, label=_("Form"))
    period = django_filters.CharFilter(label=_("Period"))
    status = django_filters.MultipleChoiceFilter(choices=SubmissionStatus.choices, label=_("Status"))
    cluster = django_filters.NumberFilter(min_value=1, max_value=ID_MAX, label=_("Cluster"))

    class Meta:
        model = Submission
        fields = ["form", "period", "status", "cluster"]
