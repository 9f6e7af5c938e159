import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from icis.core import formats
from icis.core.tables import AreaColumn, Table

from . import selectors
from .models import Submission, TenantProject


class TenantProjectTable(Table):
    tenant = tables.Column(accessor="tenant__name", verbose_name=_("Tenant"))
    tax_code = tables.Column(accessor="tenant__tax_code", verbose_name=_("Tax code"))
    cluster = tables.Column(accessor="cluster__name", verbose_name=_("Cluster"))
    land_ha = AreaColumn(verbose_name=_("Land (ha)"))
    lease = tables.Column(accessor="lease_start", verbose_name=_("Lease"), attrs={"td": {"class": "small"}})
    status = tables.Column(verbose_name=_("Status"))
    employees = tables.Column(
        verbose_name=_("Employees"), attrs={"th": {"class": "text-end"}, "td": {"class": "text-end"}}
    )
    edit = tables.TemplateColumn(
        "{% load i18n %}{% if perms.tenancy.change_tenantproject %}"
        "<a href=\"{% url 'tenancy:project_edit' record.pk %}\">{% translate 'Edit' %}</a>{% endif %}",
        verbose_name="",
        exclude_from_export=True,
    )

    class Meta(Table.Meta):
        model = TenantProject
        fields = ()
        attrs = {"class": "table table-sm table-hover", "id": "project-table"}
        empty_text = _("No tenant project recorded.")

    def render_tenant(self, value, record):
        fdi = mark_safe(' <span class="badge text-bg-info">FDI</span>') if record.tenant.is_fdi else ""
        illustrative = (
            format_html(' <span class="badge text-bg-secondary">{}</span>', _("illustrative"))
            if record.is_illustrative
            else ""
        )
        return format_html("{}{}{}", value, fdi, illustrative)

    def value_tenant(self, value):
        return value

    def render_cluster(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("clusters:cluster_detail", args=[record.cluster_id]), value)

    def value_cluster(self, value):
        return value

    def render_lease(self, record):
        start = formats.date(record.lease_start) if record.lease_start else "—"
        end = formats.date(record.lease_end) if record.lease_end else "…"
        return f"{start} – {end}"

    def render_status(self, record):
        return record.get_status_display()


class SubmissionTable(Table):
    form = tables.Column(verbose_name=_("Form"))
    period = tables.Column(verbose_name=_("Period"))
    cluster = tables.Column(accessor="cluster__name", verbose_name=_("Cluster"))
    tenant = tables.Column(accessor="tenant_project__tenant__name", verbose_name=_("Tenant"))
    status = tables.Column(verbose_name=_("Status"))
    submitted_at = tables.Column(verbose_name=_("Submitted"))

    class Meta(Table.Meta):
        model = Submission
        fields = ()
        attrs = {"class": "table table-sm table-hover", "id": "submission-table"}
        empty_text = _("No report.")

    def render_form(self, value, record):
        return format_html('<a href="{}">{}</a>', reverse("tenancy:submission_detail", args=[record.pk]), value)

    def value_form(self, value):
        return value

    def render_status(self, record):
        return record.get_status_display()

    def render_submitted_at(self, value, record):
        day = formats.date(value)
        if selectors.sent_late(record):
            return format_html('{} <span class="badge text-bg-warning sent-late">{}</span>', day, _("sent late"))
        return day

    def value_submitted_at(self, value):
        return value
