from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from icis.core.admin import ScopedAdminMixin

from .models import (
    Applicant,
    Dossier,
    DossierStep,
    DraftTemplate,
    ProcedureDeadline,
    ProcedureVersion,
    PublicHoliday,
    ScoringScheme,
    WorkingDayOverride,
)


@admin.register(PublicHoliday)
class PublicHolidayAdmin(SimpleHistoryAdmin):
    """The working-day calendar: confirm an unconfirmed day once its announcement is checked."""

    list_display = ["date", "name", "kind", "confirmed", "source"]
    list_filter = ["confirmed", "kind"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "decision", "confirmed"]
    list_filter = ["confirmed"]
    autocomplete_fields = ["document"]


class ProcedureDeadlineInline(admin.TabularInline):
    model = ProcedureDeadline
    extra = 0
    fields = ["step", "anchor", "anchor_step", "legs", "basis", "text_vi", "text_en"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(SimpleHistoryAdmin):
    """The procedure's deadlines per legal text. An amending decree is a new version with its own
    effective date; dossiers opened from that day follow it, older ones keep theirs."""

    list_display = ["code", "title", "effective_from", "effective_to", "is_verified"]
    autocomplete_fields = ["document"]
    inlines = [ProcedureDeadlineInline]


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "effective_from",
        "effective_to",
        "infrastructure_max",
        "environment_max",
        "capacity_max",
        "financial_max",
        "pass_mark",
    ]


class StepInline(admin.TabularInline):
    """Read-only: steps are recorded through the ladder service (page or API), which checks the order."""

    model = DossierStep
    extra = 0
    can_delete = False
    fields = ["step", "document", "date", "amends", "skip_reason", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["cluster", "kind", "opened_on", "outcome", "closed_on"]
    list_filter = ["kind", "outcome"]
    search_fields = ["cluster__name", "cluster__code"]
    # Dates drive the legal deadlines and have rules (services): only the note is edited here.
    readonly_fields = [f.name for f in Dossier._meta.concrete_fields if f.name not in ("id", "note")]
    inlines = [StepInline]

    def has_add_permission(self, request):
        return False


@admin.register(Applicant)
class ApplicantAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "organisation",
        "dossier",
        "infrastructure_score",
        "environment_score",
        "capacity_score",
        "financial_score",
    ]
    readonly_fields = [f.name for f in Applicant._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


@admin.register(DraftTemplate)
class DraftTemplateAdmin(SimpleHistoryAdmin):
    """The wording of the drafts a province adjusts; {placeholders} are listed in icis/dossiers/drafts.py."""

    list_display = ["step", "province", "kind_title", "subject"]
    list_filter = ["province"]
