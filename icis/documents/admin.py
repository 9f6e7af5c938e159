from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from simple_history.admin import SimpleHistoryAdmin

from icis.core.admin import ScopedAdminMixin

from .models import Document, Source


class SourceInline(GenericTabularInline):
    model = Source
    extra = 0
    autocomplete_fields = ["document"]


@admin.register(Document)
class DocumentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "year", "issued_on", "issuer", "doc_type"]
    list_filter = ["doc_type", "year"]
    search_fields = ["number", "issuer", "summary", "search_text"]
