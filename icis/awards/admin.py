from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from icis.core.admin import ScopedAdminMixin

from .models import Achievement, AwardTitle, Nomination


@admin.register(AwardTitle)
class AwardTitleAdmin(SimpleHistoryAdmin):
    """The forms and titles are data: a new one, or another authority, is an edit here, not a code change."""

    list_display = ["name", "kind", "recipients", "authority", "active", "order"]
    list_filter = ["kind", "recipients", "authority", "active"]


@admin.register(Achievement)
class AchievementAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["unit", "person_name", "recipient_kind", "province", "period_end"]
    list_filter = ["recipient_kind", "province"]
    readonly_fields = ["version"]


@admin.register(Nomination)
class NominationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Status, decision and award date change only through the service (pages and API)."""

    list_display = ["achievement", "title", "year", "status"]
    list_filter = ["status", "year", "title"]
    readonly_fields = ["status", "status_since", "decision", "awarded_on", "version"]
