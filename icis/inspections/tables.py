"""The inspections lists' tables: the pages and their exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from icis.core.tables import DateColumn, Table

from .models import Inspection, InspectionPlan

STATUS = (
    '{% include "includes/status_badge.html" with colour=record.status_colour'
    " label=record.get_status_display status=record.status %}"
)


class PlanTable(Table):
    title = tables.Column(verbose_name=_("Plan"))
    province = tables.Column(verbose_name=_("Province"))
    year = tables.Column(verbose_name=_("Year"))
    kind = tables.Column(verbose_name=_("Kind"))
    status = tables.TemplateColumn(STATUS, verbose_name=_("Status"))

    class Meta(Table.Meta):
        model = InspectionPlan
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "plan-table"}
        empty_text = _("No inspection plan yet.")

    def render_title(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("inspections:plan_detail", args=[record.pk]), value)

    def value_title(self, value):
        return value

    def value_status(self, record):
        return record.get_status_display()


class InspectionTable(Table):
    subject = tables.Column(accessor="pk", verbose_name=_("Subject"))
    cluster = tables.Column(verbose_name=_("Cluster"))
    topics = tables.Column(accessor="pk", verbose_name=_("Topics"))
    plan = tables.Column(verbose_name=_("Plan"), default="—")
    month = tables.Column(accessor="pk", verbose_name=_("Month"))
    inspected_on = DateColumn(verbose_name=_("Inspected on"))
    status = tables.TemplateColumn(STATUS, verbose_name=_("Status"))

    class Meta(Table.Meta):
        model = Inspection
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "inspection-table"}
        empty_text = _("No inspection yet.")

    def render_subject(self, record):
        url = reverse("inspections:inspection_detail", args=[record.pk])
        return format_html(
            '<a href="{}">{}</a><div class="small text-muted">{}</div>',
            url,
            record.subject_name,
            record.get_subject_kind_display(),
        )

    def value_subject(self, record):
        return record.subject_name

    def render_topics(self, record):
        return ", ".join(str(t) for t in record.topics())

    def value_topics(self, record):
        return self.render_topics(record)

    def render_month(self, record):
        return record.month_label

    def value_month(self, record):
        return record.month_label

    def value_status(self, record):
        return record.get_status_display()
