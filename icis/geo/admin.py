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
    list_display = ["code", "name", "province", "valid_from", "mountainous"]
    search_fields = ["code", "name", "search_text"]
    list_filter = ["province", "mountainous"]
    inlines = [CommuneMergeInline]

    # Holders of `geo.set_mountainous` (DoIT, administrators) may record the Decree 32 Art 2.1
    # mountainous flag and its source without being able to change anything else about the unit.
    MOUNTAINOUS_FIELDS = ("mountainous", "mountainous_source")

    def _full(self, request) -> bool:
        return request.user.has_perm("geo.change_commune")

    def has_change_permission(self, request, obj=None):
        return self._full(request) or request.user.has_perm("geo.set_mountainous")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm("geo.set_mountainous")

    def get_readonly_fields(self, request, obj=None):
        if self._full(request):
            return super().get_readonly_fields(request, obj)
        return [f.name for f in Commune._meta.fields if f.editable and f.name not in self.MOUNTAINOUS_FIELDS] + [
            "legacy_communes"
        ]

    def get_inlines(self, request, obj):
        return self.inlines if self._full(request) else []


@admin.register(LegacyDistrict)
class LegacyDistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province", "valid_to"]
    search_fields = ["code", "name"]


@admin.register(LegacyCommune)
class LegacyCommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "valid_to"]
    search_fields = ["code", "name"]
    list_filter = ["district"]
