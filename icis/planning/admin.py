from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from icis.documents.admin import SourceInline

from .models import DevelopmentPlan


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "province", "horizon_year", "cluster_count", "area_ha", "is_current"]
    inlines = [SourceInline]
