from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from icis.core.admin import ScopedAdminMixin

from .models import (
    FactorBand,
    Limit,
    MonitoringRequirement,
    Parameter,
    PlantCluster,
    PlantPhase,
    PlantStatusChange,
    Regulation,
    Sample,
    SampleValue,
    TenantConnection,
    Violation,
    WastewaterPlant,
)


class PlantClusterInline(admin.TabularInline):
    model = PlantCluster
    extra = 0
    autocomplete_fields = ["cluster"]


class PlantPhaseInline(admin.TabularInline):
    model = PlantPhase
    extra = 0


class PlantStatusChangeInline(admin.TabularInline):
    """Read-only: status changes only through the transition service (page or API)."""

    model = PlantStatusChange
    extra = 0
    can_delete = False
    fields = ["effective_on", "from_status", "to_status", "reason", "document", "actor", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WastewaterPlant)
class WastewaterPlantAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "status", "capacity_m3_day", "receiving_class", "kq", "kf", "operator"]
    list_filter = ["status", "receiving_class", "continuous_monitoring"]
    search_fields = ["name", "receiving_water_body"]
    readonly_fields = ["status", "status_since", "version"]
    autocomplete_fields = ["operator", "permit"]
    inlines = [PlantClusterInline, PlantPhaseInline, PlantStatusChangeInline]


class SampleValueInline(admin.TabularInline):
    model = SampleValue
    extra = 0


@admin.register(Sample)
class SampleAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["plant", "sampled_on", "point", "origin", "lab"]
    list_filter = ["point", "origin"]
    date_hierarchy = "sampled_on"
    inlines = [SampleValueInline]


@admin.register(Violation)
class ViolationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["plant", "kind", "parameter", "status", "detected_on", "deadline"]
    list_filter = ["kind", "status"]
    readonly_fields = ["status", "corrected_on", "closed_on", "version"]


@admin.register(MonitoringRequirement)
class MonitoringRequirementAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["plant", "frequency_months", "grace_days", "starts_on", "ends_on"]


@admin.register(TenantConnection)
class TenantConnectionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["tenant_project", "kind", "plant", "since", "until", "volume_m3_day"]
    list_filter = ["kind"]


class LimitInline(admin.TabularInline):
    model = Limit
    extra = 0


class FactorBandInline(admin.TabularInline):
    model = FactorBand
    extra = 0


@admin.register(Regulation)
class RegulationAdmin(SimpleHistoryAdmin):
    """Loaded from files (`manage.py load_qcvn`); editable here for corrections, every change logged."""

    list_display = ["code", "effective_from", "effective_to", "existing_plants_from", "loaded_from"]
    readonly_fields = ["loaded_from", "loaded_sha256"]
    inlines = [LimitInline, FactorBandInline]


@admin.register(Parameter)
class ParameterAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_vi", "name_en", "unit", "position"]
    search_fields = ["code", "name_vi", "name_en"]
