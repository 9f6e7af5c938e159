import copy

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from icis.core.admin import ScopedAdminMixin
from icis.documents.admin import SourceInline

from .models import Cluster, ClusterAssignment, ClusterCommune, ClusterExpansion, Sector, StatusChange
from .services import check_industrial_land


class ClusterAdminForm(forms.ModelForm):
    """The administration saves without the cluster service; the land floor still holds. (The admin
    builds the form for `Cluster` with its own field list.)"""

    def clean(self):
        data = super().clean()
        if self.instance.pk and "industrial_land_ha" in self.changed_data:
            proposed = copy.copy(self.instance)
            proposed.industrial_land_ha = data.get("industrial_land_ha")
            check_industrial_land(proposed)
        return data


class ClusterCommuneInline(admin.TabularInline):
    model = ClusterCommune
    extra = 0
    autocomplete_fields = ["commune"]


class StatusChangeInline(admin.TabularInline):
    """Read-only here: status changes only through the transition service (page or API)."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["effective_on", "from_status", "to_status", "reason", "document", "actor", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cluster)
class ClusterAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = ClusterAdminForm
    list_display = ["code", "name", "status", "legacy_district", "area_ha", "needs_verification"]
    list_filter = ["status", "kind", "needs_verification", "is_synthetic"]
    search_fields = ["code", "name", "name_ascii", "search_text"]
    readonly_fields = ["status", "status_since", "version"]
    autocomplete_fields = ["investor", "establishment_decision", "legacy_district"]
    filter_horizontal = ["legacy_communes", "sectors", "documents"]
    inlines = [ClusterCommuneInline, SourceInline, StatusChangeInline]


@admin.register(ClusterExpansion)
class ClusterExpansionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["cluster", "added_area_ha", "status", "decision"]
    readonly_fields = ["status", "status_since", "version"]
    inlines = [SourceInline]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(ClusterAssignment)
class ClusterAssignmentAdmin(SimpleHistoryAdmin):
    """Cluster-level scopes: a user who acts on one cluster only."""

    list_display = ["user", "cluster"]
    autocomplete_fields = ["user", "cluster"]
