from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from icis.core.admin import ScopedAdminMixin
from icis.documents.admin import SourceInline

from .models import AmendmentChange, AnnualPlan, AreaStatement, DevelopmentPlan, PlanAmendment, PlanEntry, Target, Task


class PlanEntryInline(admin.TabularInline):
    model = PlanEntry
    extra = 0
    autocomplete_fields = ["cluster"]
    exclude = ["version"]


class AmendmentChangeInline(admin.TabularInline):
    """What the amendment does to each cluster; applied to the next version on approval."""

    model = AmendmentChange
    extra = 0
    autocomplete_fields = ["cluster"]


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "province", "horizon_year", "cluster_count", "area_ha", "is_current", "approved_on"]
    inlines = [PlanEntryInline, SourceInline]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    exclude = ["version"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "number", "issued_on", "needs_verification"]
    inlines = [TargetInline, TaskInline, SourceInline]


@admin.register(PlanAmendment)
class PlanAmendmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Status changes go through the amendment page (the procedure service), not here."""

    list_display = ["title", "status", "status_since", "decision"]
    readonly_fields = ["status", "status_since", "version"]
    filter_horizontal = ["clusters"]
    inlines = [AmendmentChangeInline]


@admin.register(AreaStatement)
class AreaStatementAdmin(SimpleHistoryAdmin):
    list_display = ["cluster", "kind", "area_ha", "industrial_land_ha", "document"]
    list_filter = ["kind"]
    autocomplete_fields = ["cluster", "document"]
