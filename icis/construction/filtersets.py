"""One set of list parameters per list: the page, the API and the CSV export take the same query string."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from icis.core.filters import OrderingFilter, WordStartsFilter

from .choices import MilestoneKind, ObstacleCategory, ObstacleStatus, ReportStatus
from .models import Milestone, Obstacle, PlannedVisit, ProgressReport, VisitRecord
from .selectors import overdue_q, overdue_visits_q


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number that fits the database (an overlong one is a 400, not a crash)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class ProgressReportFilterSet(django_filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id", label=_("Cluster"))
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    report_date = django_filters.DateFromToRangeFilter(label=_("Report date"))

    class Meta:
        model = ProgressReport
        fields = ["cluster", "status", "report_date"]


class ObstacleFilterSet(django_filters.FilterSet):
    q = WordStartsFilter(search_field="cluster__search_text", label=_("Search"))
    cluster = IdFilter(field_name="cluster_id", label=_("Cluster"))
    status = django_filters.MultipleChoiceFilter(choices=ObstacleStatus.choices, label=_("Status"))
    category = django_filters.MultipleChoiceFilter(choices=ObstacleCategory.choices, label=_("Category"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_("true: not resolved and past the due date; false: the others."),
    )
    ordering = OrderingFilter(
        fields=(("due_on", "due_on"), ("raised_on", "raised_on"), ("cluster__sort_name", "cluster")),
        label=_("Sort by"),
    )

    class Meta:
        model = Obstacle
        fields = ["q", "cluster", "status", "category", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())


class PlannedVisitFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label=_("Plan"))
    cluster = IdFilter(field_name="cluster_id", label=_("Cluster"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = PlannedVisit
        fields = ["plan", "cluster", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_visits_q()) if value else queryset.exclude(overdue_visits_q())


class MilestoneFilterSet(django_filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id", label=_("Cluster"))
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("Milestone"))

    class Meta:
        model = Milestone
        fields = ["cluster", "kind"]


class VisitRecordFilterSet(django_filters.FilterSet):
    cluster = IdFilter(field_name="cluster_id", label=_("Cluster"))
    planned_visit = IdFilter(field_name="planned_visit_id", label=_("Planned visit"))

    class Meta:
        model = VisitRecord
        fields = ["cluster", "planned_visit"]
