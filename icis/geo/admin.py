from django.contrib import admin

from .models import Commune, CommuneMerge, LegacyCommune, LegacyDistrict, Province


class CommuneMergeInline(admin.TabularInline):
    model = CommuneMerge
    extra = 0
    autocomplete_fields = ["legacy_commune"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_synthetic"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "valid_from"]
    search_fields = ["code", "name", "search_text"]
    list_filter = ["province"]
    inlines = [CommuneMergeInline]


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "valid_to"]
    search_fields = ["code", "name"]


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "valid_to"]
    search_fields = ["code", "name"]
    list_filter = ["district"]
