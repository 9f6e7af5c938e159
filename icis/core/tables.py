"""The base of every list table (django-tables2), rendered by templates/includes/table.html.

Sorting belongs to the list's FilterSet (its `ordering` parameter, the same for the page and the
API), not to the table: a column is sortable when its name is one of the FilterSet's ordering values.
Exports use the same columns (`exclude_from_export=True` leaves a column, e.g. an "Edit" link, out).
"""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .templatetags.icis import ha


class Table(tables.Table):
    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        orderable = False
        template_name = "includes/table.html"
        empty_text = _("Nothing matches these filters.")


class AreaColumn(tables.Column):
    """Hectares as people write them ("41,7"); exported as the number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "text-end"}, "td": {"class": "text-end text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return ha(value)

    def value(self, value):
        return value


class DateColumn(tables.DateColumn):
    """dd/mm/yyyy in every language (exported as a date)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "d/m/Y")
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value
