from django.contrib import admin

from .models import Job


class ScopedAdminMixin:
    """Admin lists and detail pages go through the same `restrict(user)` as pages and API."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)


class JobAdmin(admin.ModelAdmin):
    """Background jobs, read-only: what ran, for whom, and why one failed (retry from the job's page)."""

    list_display = ["id", "label", "status", "progress", "attempts", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "retryable"]
    search_fields = ["label", "handler", "message"]
    exclude = ["payload"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Job, JobAdmin)
