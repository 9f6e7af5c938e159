import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from icis.core.tables import DateColumn, Table

from .models import Document


class DocumentTable(Table):
    number = tables.Column(verbose_name=_("Number"))
    doc_type = tables.Column(verbose_name=_("Type"))
    issued_on = DateColumn(verbose_name=_("Date issued"))
    year = tables.Column(verbose_name=_("Year"))
    issuer = tables.Column(verbose_name=_("Issuer"))
    signer = tables.Column(verbose_name=_("Signed by"))
    summary = tables.Column(verbose_name=_("Summary"), attrs={"td": {"class": "small"}})
    has_file = tables.Column(accessor="file", verbose_name=_("File"), orderable=False)

    class Meta(Table.Meta):
        model = Document
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "document-table"}
        empty_text = _("No document matches these filters.")

    def render_number(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("documents:document_detail", args=[record.pk]), value)

    def value_number(self, value):
        return value

    def render_doc_type(self, record):
        return record.get_doc_type_display()

    def render_summary(self, value):
        return value if len(value) <= 140 else value[:139] + "…"

    def value_summary(self, value):
        return value

    def render_has_file(self, value):
        return _("yes") if value else ""

    def value_has_file(self, value):
        return _("yes") if value else _("no")
