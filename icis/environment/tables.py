"""The environment lists' tables (django-tables2 on icis.core.tables): the page and its exports."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from icis.core.tables import DateColumn, Table
from icis.core.templatetags.icis import ha

from .models import TenantConnection, WastewaterPlant

NUMBER = {"th": {"class": "text-end"}, "td": {"class": "text-end"}}


class NumberColumn(tables.Column):
    """A quantity as people write it (1.234,5 in Vietnamese); exported as the number."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMBER)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return ha(value)

    def value(self, value):
        return value


class PlantTable(Table):
    """The plants; the list view sets `standings` (plant id → today's standing) for the last column."""

    name = tables.Column(verbose_name=_("Plant"))
    operator = tables.Column(verbose_name=_("Operator"), visible=False)
    clusters = tables.Column(accessor="pk", verbose_name=_("Clusters served"), attrs={"td": {"class": "small"}})
    status = tables.TemplateColumn(
        '{% include "includes/status_badge.html" with colour=record.status_colour'
        " label=record.get_status_display status=record.status %}",
        verbose_name=_("Status"),
    )
    capacity_m3_day = NumberColumn(verbose_name=_("Capacity (m³/day)"))
    receiving_class = tables.Column(verbose_name=_("Column"))
    kq = tables.Column(verbose_name="Kq", attrs=NUMBER, default="—")
    kf = tables.Column(verbose_name="Kf", attrs=NUMBER, default="—")
    today = tables.Column(
        accessor="pk", verbose_name=_("Today"), attrs={"td": {"class": "small"}}, exclude_from_export=True
    )

    standings: dict = {}

    class Meta(Table.Meta):
        model = WastewaterPlant
        fields = ()
        attrs = {"class": "table table-sm table-hover align-middle", "id": "plant-table"}
        empty_text = _("No plant recorded.")

    def render_name(self, value, record):
        url = reverse("environment:plant_detail", args=[record.pk])
        operator = format_html('<div class="small text-muted">{}</div>', record.operator) if record.operator else ""
        return format_html('<a href="{}">{}</a>{}', url, value, operator)

    def value_name(self, value):
        return value

    def value_operator(self, value):
        return str(value)

    def render_clusters(self, record):
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("clusters:cluster_detail", args=[link.cluster_id]), link.cluster.name)
                for link in record.cluster_links.all()
            ),
        )

    def value_clusters(self, record):
        return ", ".join(link.cluster.name for link in record.cluster_links.all())

    def value_status(self, record):
        return record.get_status_display()

    def render_today(self, record):
        standing = self.standings.get(record.pk)
        if not standing:
            return ""
        if standing.meets:
            return format_html('<span class="text-success">✓ {}</span>', _("meets the standard"))
        return standing.reason_label


class ConnectionTable(Table):
    tenant = tables.Column(accessor="tenant_project__tenant__name", verbose_name=_("Tenant"))
    cluster = tables.Column(accessor="tenant_project__cluster__name", verbose_name=_("Cluster"))
    treatment = tables.Column(accessor="kind", verbose_name=_("Treatment"))
    plant = tables.Column(accessor="plant__name", verbose_name=_("Plant"), visible=False)
    own_permit = tables.Column(verbose_name=_("Own permit"), visible=False)
    since = DateColumn(verbose_name=_("Since"))
    until = DateColumn(verbose_name=_("Until"), default="—")
    volume_m3_day = NumberColumn(verbose_name=_("m³/day"))
    edit = tables.TemplateColumn(
        "{% load i18n %}{% if perms.environment.change_tenantconnection %}"
        "<a href=\"{% url 'environment:connection_edit' record.pk %}\">{% translate 'Edit' %}</a>{% endif %}",
        verbose_name="",
        exclude_from_export=True,
    )

    class Meta(Table.Meta):
        model = TenantConnection
        fields = ()
        attrs = {"class": "table table-sm table-hover", "id": "connection-table"}
        empty_text = _("No arrangement recorded.")

    def render_treatment(self, record):
        if record.plant_id:
            url = reverse("environment:plant_detail", args=[record.plant_id])
            return format_html('<a href="{}">{}</a>', url, record.plant.name)
        permit = format_html('<div class="small text-muted">{}</div>', record.own_permit) if record.own_permit else ""
        return format_html("{}{}", record.get_kind_display(), permit)

    def value_treatment(self, record):
        return record.get_kind_display()

    def value_own_permit(self, value):
        return str(value)
