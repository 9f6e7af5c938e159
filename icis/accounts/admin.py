from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditEvent, Organisation, Scope, User


class ScopeInline(admin.TabularInline):
    model = Scope
    extra = 0
    autocomplete_fields = ["commune", "province"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("organisation",)}))
    inlines = [ScopeInline]
    search_fields = ["username", "email", "first_name", "last_name"]
    list_display = ["username", "email", "organisation", "is_staff", "is_active"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "tax_code"]
    list_filter = ["kind"]
    search_fields = ["name", "tax_code"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: security events are evidence."""

    list_display = ["at", "username", "action", "subject", "via", "ip"]
    list_filter = ["action", "via"]
    search_fields = ["username", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
