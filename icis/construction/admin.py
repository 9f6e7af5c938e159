from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from icis.core.admin import ScopedAdminMixin

from .models import Milestone, Obstacle, PlannedVisit, ProgressReport, VisitPlan, VisitRecord


class ReadOnlyStatusAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Status and review fields change only through the services (pages and API)."""

    readonly_fields = ["status", "version"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyStatusAdmin):
    list_display = ["cluster", "report_date", "overall_percent", "status"]
    list_filter = ["status"]
    readonly_fields = ["status", "version", "submitted_by", "reviewed_by", "reviewed_at", "review_note"]


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["cluster", "kind", "planned_on", "actual_on"]
    list_filter = ["kind"]
    readonly_fields = ["version"]


@admin.register(Obstacle)
class ObstacleAdmin(ReadOnlyStatusAdmin):
    list_display = ["cluster", "category", "raised_on", "due_on", "status"]
    list_filter = ["status", "category"]
    readonly_fields = ["status", "resolved_on", "version"]


@admin.register(VisitPlan)
class VisitPlanAdmin(ReadOnlyStatusAdmin):
    list_display = ["title", "period_start", "period_end", "status"]
    readonly_fields = ["status", "approved_by", "approved_at", "version"]


@admin.register(PlannedVisit)
class PlannedVisitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["plan", "cluster", "due_on"]
    readonly_fields = ["version"]


@admin.register(VisitRecord)
class VisitRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["cluster", "visited_on", "inspector"]
