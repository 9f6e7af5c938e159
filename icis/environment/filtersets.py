"""One set of list parameters per list, shared by the pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icis.core.filters import WordStartsFilter

from .choices import (
    ConnectionKind,
    PlantStatus,
    ReceivingClass,
    SampleOrigin,
    SamplePoint,
    ViolationKind,
    ViolationStatus,
)
from .models import MonitoringRequirement, Sample, TenantConnection, Violation, WastewaterPlant


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number within the database's integer range (else 400, not a server error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class PlantFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=PlantStatus.choices, label=_("Status"))
    cluster = IdFilter(field_name="cluster_links__cluster_id", label=_("Cluster"))
    receiving_class = django_filters.ChoiceFilter(choices=ReceivingClass.choices, label=_("Receiving water class"))
    continuous_monitoring = django_filters.BooleanFilter(label=_("Automatic continuous monitoring"))

    class Meta:
        model = WastewaterPlant
        fields = ["q", "status", "cluster", "receiving_class", "continuous_monitoring"]

    def search(self, queryset, name, value):
        by_cluster = WordStartsFilter(search_field="cluster_links__cluster__search_text").filter(
            self.queryset.model.objects.all(), value
        )
        return queryset.filter(
            Q(name__icontains=value) | Q(receiving_water_body__icontains=value) | Q(pk__in=by_cluster.values("pk"))
        )

    @property
    def qs(self):
        return super().qs.distinct()


class SampleFilterSet(django_filters.FilterSet):
    point = django_filters.ChoiceFilter(choices=SamplePoint.choices, label=_("Point"))
    origin = django_filters.ChoiceFilter(choices=SampleOrigin.choices, label=_("Origin"))
    date_from = django_filters.DateFilter(field_name="sampled_on", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="sampled_on", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = Sample
        fields = ["point", "origin", "date_from", "date_to"]


class ViolationFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ViolationStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ViolationKind.choices, label=_("Kind"))
    plant = IdFilter(field_name="plant_id", label=_("Plant"))
    cluster = IdFilter(method="in_cluster", label=_("Cluster"))
    overdue = django_filters.BooleanFilter(method="is_overdue", label=_("Past its deadline and not closed"))

    class Meta:
        model = Violation
        fields = ["status", "kind", "plant", "cluster", "overdue"]

    def in_cluster(self, queryset, name, value):
        return queryset.filter(plant__cluster_links__cluster_id=value).distinct()

    def is_overdue(self, queryset, name, value):
        late = Q(deadline__lt=timezone.localdate()) & ~Q(status=ViolationStatus.CLOSED)
        return queryset.filter(late) if value else queryset.exclude(late)


class ConnectionFilterSet(django_filters.FilterSet):
    plant = IdFilter(field_name="plant_id", label=_("Plant"))
    cluster = IdFilter(field_name="tenant_project__cluster_id", label=_("Cluster"))
    kind = django_filters.ChoiceFilter(choices=ConnectionKind.choices, label=_("Treatment"))
    current = django_filters.BooleanFilter(field_name="until", lookup_expr="isnull", label=_("Current"))

    class Meta:
        model = TenantConnection
        fields = ["plant", "cluster", "kind", "current"]


class RequirementFilterSet(django_filters.FilterSet):
    plant = IdFilter(field_name="plant_id", label=_("Plant"))

    class Meta:
        model = MonitoringRequirement
        fields = ["plant"]
