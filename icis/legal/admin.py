from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Rule, RuleSet


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "effective_from", "effective_to", "area_unit", "is_verified"]
    inlines = [RuleInline]
