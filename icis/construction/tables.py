"""The construction lists' tables (django-tables2 on icis.core.tables): the page and its exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from icis.core import formats
from icis.core.tables import DateColumn, Table

from .models import Obstacle


def _overdue(record) -> bool:
    return record.is_overdue(timezone.localdate())


class ObstacleTable(Table):
    id = tables.Column(verbose_name="id", visible=False)
    cluster = tables.Column(accessor="cluster__name", verbose_name=_("Cluster"))
    category = tables.Column(verbose_name=_("Category"))
    description = tables.Column(verbose_name=_("Description"))
    responsible = tables.Column(accessor="responsible", verbose_name=_("Responsible"), default="—")
    raised_on = DateColumn(verbose_name=_("Raised"))
    due_on = DateColumn(verbose_name=_("Due"), default="—")
    status = tables.TemplateColumn(
        '{% load i18n %}{% include "includes/status_badge.html" with colour=record.status_colour'
        " label=record.get_status_display status=record.status %}{% if perms.construction.change_obstacle %}"
        ' <a class="small d-print-none" href="{% url \'construction:obstacle_edit\' record.pk %}">'
        '{% translate "Update" %}</a>{% endif %}',
        verbose_name=_("Status"),
    )
    overdue = tables.Column(accessor="pk", verbose_name=_("Overdue"), visible=False)
    resolution = tables.Column(verbose_name=_("Resolution"), visible=False)
    resolved_on = DateColumn(verbose_name=_("Resolved on"), visible=False)
    source_document = tables.Column(verbose_name=_("Source document"), default="—", attrs={"td": {"class": "small"}})

    class Meta(Table.Meta):
        model = Obstacle
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "obstacle-table"}
        row_attrs = {
            "class": lambda record: "table-danger" if _overdue(record) else "",
            "data-overdue": lambda record: "true" if _overdue(record) else None,
        }
        empty_text = _("No obstacle matches these filters.")

    def render_cluster(self, value, record):
        url = reverse("construction:cluster_progress", args=[record.cluster_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_cluster(self, value):
        return value

    def render_category(self, record):
        return record.get_category_display()

    def render_description(self, value, record):
        text = value if len(value) <= 160 else value[:159] + "…"
        if not record.resolution:
            return text
        resolution = record.resolution if len(record.resolution) <= 120 else record.resolution[:119] + "…"
        return format_html('{}<div class="small text-muted">{}: {}</div>', text, _("Resolution"), resolution)

    def value_description(self, value):
        return value

    def render_due_on(self, value, record):
        if value is None:
            return "—"
        shown = formats.date(value)
        if not _overdue(record):
            return shown
        return format_html('{} <span class="badge text-bg-danger">{}</span>', shown, _("overdue"))

    def value_status(self, record):
        return record.get_status_display()

    def value_overdue(self, record):
        return _overdue(record)

    def value_source_document(self, value):
        return str(value)
